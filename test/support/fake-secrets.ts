/**
 * Fake credentials for tests, assembled at run time so that no key-shaped string
 * sits in the source for secret scanners to flag. Each has the shape the redactor
 * and the providers expect; `label` keeps keys of different tests apart.
 */
const body = (label: string, length: number) => `${label}${'x'.repeat(length)}`.slice(0, length);

export const fakeSecrets = {
  anthropic: (label = 'FAKE') => ['sk', 'ant', 'api03', body(label, 40)].join('-'),
  openai: (label = 'FAKE') => ['sk', 'proj', body(label, 36)].join('-'),
  github: (label = 'FAKE') => ['ghp', body(label, 36)].join('_'),
  githubPat: (label = 'FAKE') => ['github', 'pat', `11${body(label, 30)}`].join('_'),
  slack: (label = 'FAKE') => ['xoxb', '123456789012', body(label, 12)].join('-'),
  awsKeyId: () => ['AKIA', 'FAKE'.repeat(3), '1234'].join(''),
};
