/**
 * simulator/: a stand-in checkout API that plays production incidents for demos
 * and integration tests. It serves its own deterministic traffic and exposes
 * Prometheus metrics (requests, latency histogram, database pool) at /metrics;
 * the incident can be switched while it runs. Knows nothing of warroom's
 * chains, tools or engine: Prometheus scrapes it like any service.
 */
export {
  CheckoutTraffic,
  type IncidentName,
  incidentNames,
  isIncidentName,
  latencyBuckets,
  type TrafficProfile,
  type TrafficSnapshot,
  trafficProfiles,
} from './checkout-traffic.js';
export {
  expositionContentType,
  type MetricFamily,
  type MetricSample,
  renderExposition,
} from './render-exposition.js';
export {
  type IncidentSimulator,
  type IncidentSimulatorOptions,
  startIncidentSimulator,
} from './start-incident-simulator.js';
