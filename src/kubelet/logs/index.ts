// Container logs: the CRI log format, reading and following, layout on disk, rotation.
export { encodeCriLogLine, formatTimestamp, parseCriLogLine, type CriLogLine, type LogStream } from './cri-log.js';
export { containerLogPath, containerLogRelPath, logAttempts, podLogDir } from './paths.js';
export { readContainerLog, type ReadLogOptions } from './read-log.js';
export { DEFAULT_LOG_MAX_FILES, DEFAULT_LOG_MAX_SIZE, LogRotator, type LogRotatorOptions, type RotatorRuntime } from './rotator.js';
