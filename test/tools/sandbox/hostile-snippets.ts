/**
 * The same hostile programs in Python and Node.js. Each prints a short, comparable
 * verdict (`blocked ENOENT`, `connected`…) so one test body checks both languages.
 */
export type Language = 'python' | 'node';

export interface Snippets {
  hello: string;
  echoStdin: string;
  connect(host: string, port: number): string;
  resolveName(name: string): string;
  read(path: string): string;
  write(path: string): string;
  exists(paths: string[]): string;
  ids: string;
  environment: string;
  forkBomb(marker: string): string;
  memoryHog: string;
  busyLoop: string;
  idleLoop: string;
  outputFlood: string;
  sleep(seconds: number): string;
}

const py = (lines: string[]): string => lines.join('\n');

export const snippets: Record<Language, Snippets> = {
  python: {
    hello: 'print("hello from the sandbox")',
    echoStdin: 'import sys\nprint(sys.stdin.read().upper(), end="")',
    connect: (host, port) =>
      py([
        'import errno, socket',
        'try:',
        `    socket.create_connection((${JSON.stringify(host)}, ${port}), timeout=2)`,
        '    print("connected")',
        'except OSError as error:',
        '    print("blocked", errno.errorcode.get(error.errno, error.errno))',
      ]),
    resolveName: (name) =>
      py([
        'import socket',
        'try:',
        `    print("resolved", socket.getaddrinfo(${JSON.stringify(name)}, 443)[0][4][0])`,
        'except OSError as error:',
        '    print("blocked", error)',
      ]),
    read: (path) =>
      py([
        'import errno',
        'try:',
        `    open(${JSON.stringify(path)}).read()`,
        '    print("read")',
        'except OSError as error:',
        '    print("blocked", errno.errorcode[error.errno])',
      ]),
    write: (path) =>
      py([
        'import errno',
        'try:',
        `    with open(${JSON.stringify(path)}, "w") as file: file.write("x")`,
        `    print("written", open(${JSON.stringify(path)}).read())`,
        'except OSError as error:',
        '    print("blocked", errno.errorcode[error.errno])',
      ]),
    exists: (paths) =>
      `import json, os\nprint(json.dumps([os.path.exists(p) for p in ${JSON.stringify(paths)}]))`,
    ids: 'import os\nprint(os.getuid(), os.getgid())',
    environment: 'import json, os\nprint(json.dumps(dict(os.environ)))',
    forkBomb: () =>
      py([
        'import os',
        'while True:',
        '    try:',
        '        os.fork()',
        '    except OSError:',
        '        pass',
      ]),
    memoryHog: py(['hog = []', 'while True:', '    hog.append(b"x" * (1 << 20))']),
    busyLoop: 'while True:\n    pass',
    idleLoop: 'import time\nwhile True:\n    time.sleep(0.1)',
    outputFlood: 'import sys\nchunk = "x" * 65536\nwhile True:\n    sys.stdout.write(chunk)',
    sleep: (seconds) => `import time\ntime.sleep(${seconds})`,
  },
  node: {
    hello: 'console.log("hello from the sandbox")',
    echoStdin: 'process.stdout.write(require("fs").readFileSync(0, "utf8").toUpperCase())',
    connect: (host, port) =>
      [
        `const socket = require("net").connect({ host: ${JSON.stringify(host)}, port: ${port} });`,
        'socket.setTimeout(2000, () => { console.log("blocked ETIMEDOUT"); socket.destroy(); });',
        'socket.on("connect", () => { console.log("connected"); socket.destroy(); });',
        'socket.on("error", (error) => console.log("blocked", error.code));',
      ].join('\n'),
    resolveName: (name) =>
      `require("dns").lookup(${JSON.stringify(name)}, (error, address) => console.log(error ? "blocked " + error.code : "resolved " + address));`,
    read: (path) =>
      `try { require("fs").readFileSync(${JSON.stringify(path)}); console.log("read"); } catch (error) { console.log("blocked", error.code); }`,
    write: (path) =>
      [
        'const fs = require("fs");',
        `try { fs.writeFileSync(${JSON.stringify(path)}, "x"); console.log("written", fs.readFileSync(${JSON.stringify(path)}, "utf8")); }`,
        'catch (error) { console.log("blocked", error.code); }',
      ].join('\n'),
    exists: (paths) =>
      `const fs = require("fs"); console.log(JSON.stringify(${JSON.stringify(paths)}.map((p) => fs.existsSync(p))));`,
    ids: 'console.log(process.getuid(), process.getgid())',
    environment: 'console.log(JSON.stringify(process.env))',
    // Node cannot fork; it starts a shell fork bomb, whose copies all carry the marker.
    forkBomb: (marker) =>
      [
        `require("child_process").spawn("/bin/sh", ["-c", "b() { b | b & }; b", ${JSON.stringify(marker)}], { stdio: "ignore" });`,
        'setInterval(() => {}, 1000);',
      ].join('\n'),
    memoryHog: 'const hog = [];\nfor (;;) hog.push(Buffer.alloc(1 << 20, 1));',
    busyLoop: 'for (;;) {}',
    idleLoop: 'setInterval(() => {}, 100);',
    outputFlood:
      'const fs = require("fs");\nconst chunk = "x".repeat(65536);\nfor (;;) fs.writeSync(1, chunk);',
    sleep: (seconds) => `setTimeout(() => {}, ${seconds * 1000});`,
  },
};
