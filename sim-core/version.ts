// The sim-core version, recorded with every forecast so a result can be traced to the code that made it.
export const SIM_CORE_VERSION = '0.1.0';
