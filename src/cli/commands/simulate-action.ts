/**
 * `warroom simulate`: the incident simulator for the live demo — a checkout
 * service exposing Prometheus metrics, switchable into the connection-pool
 * exhaustion incident (`POST /simulator/incident`). Runs until interrupted.
 */
import type { CliIo } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';

interface SimulateOptions {
  port: number;
  incident: string;
}

export default async function simulateAction(io: CliIo, options: SimulateOptions): Promise<number> {
  const { startIncidentSimulator } = await import('../../simulator/index.js');
  const simulator = await startIncidentSimulator({ port: options.port, host: '127.0.0.1' });
  if (options.incident !== 'none')
    simulator.setIncident(options.incident as Parameters<typeof simulator.setIncident>[0]);
  io.stdout(`simulator: ${simulator.url}/metrics (incident: ${options.incident})\n`);
  io.stdout(`switch: curl -X POST ${simulator.url}/simulator/incident -d db-pool-exhaustion\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await simulator.close();
  return exitCodes.ok;
}
