// Turning a Pod into the CRI's sandbox and container configurations.
export { ContainerConfigError, SandboxConfigError } from './errors.js';
export { sandboxConfig, sandboxLabels, portMappings, type SandboxOptions } from './sandbox-config.js';
export {
  containerConfig,
  containerAnnotations,
  containerLabels,
  containerLogPath,
  DEFAULT_TERMINATION_MESSAGE_PATH,
  type ContainerConfigInput,
} from './container-config.js';
export { containerEnv, expandCommand, expandStatic, mappingFor } from './env.js';
export { serviceEnvMap, serviceEnvVars, envVarNameOf } from './service-env.js';
export { podDNSConfig, parseResolvConf, type DNSSettings } from './dns.js';
export { podHostnameAndDomain, nodenameForKernel } from './hostname.js';
export { hostsFile, type HostsFileOptions } from './hosts-file.js';
export { qosClass, cgroupParentFor, oomScoreAdj } from './qos.js';
export { linuxResources, milliCPUToShares, milliCPUToQuota, QUOTA_PERIOD } from './resources.js';
export { effectiveSecurityContext, linuxSecurityContext, verifyRunAsNonRoot, parseImageUser, DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './security-context.js';
