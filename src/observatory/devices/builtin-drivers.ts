// The driver families pyros-ts ships, registered once on import: every module that resolves a
// `driver` URL (the observatory's devices, the config check) imports this one.
import { registerDriverFamily } from './device-registry.js';
import { SIM_DRIVERS } from './sim-drivers.js';

registerDriverFamily(SIM_DRIVERS);

export { openDevice, resolveDriver } from './device-registry.js';
