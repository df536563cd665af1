/**
 * Runs once before the test files: installs the system packages the integration
 * tests need when a fresh machine lacks them (one apt-get, not one per worker).
 */
import { ensureSystemPackages } from './support/system-packages.js';

export default function setup(): void {
  ensureSystemPackages('git', 'prometheus', 'prometheus-alertmanager', 'bubblewrap', 'tmux');
}
