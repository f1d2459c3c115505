// The driver families pyros-ts ships, registered once on import: every module that resolves a
// `driver` URL (the observatory's devices, the config check) imports this one.
import { registerDriverFamily } from './device-registry.js';
import { INDI_MOUNT_DRIVERS, indiFamily } from './indi/indi-drivers.js';
import { INDI_INSTRUMENT_DRIVERS } from './indi/indi-instrument-drivers.js';
import { SIM_DRIVERS } from './sim-drivers.js';

registerDriverFamily(SIM_DRIVERS);
registerDriverFamily(indiFamily({ ...INDI_MOUNT_DRIVERS, ...INDI_INSTRUMENT_DRIVERS }));

export { openDevice, resolveDriver } from './device-registry.js';
