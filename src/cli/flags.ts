// What every subcommand does with its arguments: parse strictly, answer --help, and turn a
// bad flag into a one-line error and exit code 1.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseGoDuration } from '../util/duration.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true }>>['values'];

/** The parsed flags, or the exit code when the command is already answered (help or error). */
export function parseFlags<O extends Options>(args: string[], options: O, help: string): Parsed<O> | number {
  let values: Parsed<O>;
  try {
    ({ values } = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } } as O, strict: true }));
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(help);
    return 0;
  }
  return values;
}

/** parseFlags for commands that take arguments besides flags (`etcd-snapshot delete NAME`). */
export function parseFlagsAndArgs<O extends Options>(args: string[], options: O, help: string): { values: Parsed<O>; positionals: string[] } | number {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } } as O, strict: true, allowPositionals: true });
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(help);
    return 0;
  }
  return { values: parsed.values as Parsed<O>, positionals: parsed.positionals };
}

/**
 * Go's boolean flags, as kube-controller-manager's: bare `--name` means true and `--name=false`
 * turns one off, which parseArgs's boolean type cannot say. Such a flag is declared a string and
 * its bare form rewritten before parsing.
 */
export function withBareBooleans(args: string[], names: readonly string[]): string[] {
  return args.map((a) => (names.some((n) => a === `--${n}`) ? `${a}=true` : a));
}

/** The value of such a flag: true, false, or `fallback` when absent; anything else throws. */
export function boolFlag(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`invalid --${name} "${value}": true or false`);
}

export function fail(message: string): number {
  process.stderr.write(`error: ${message}\n`);
  return 1;
}

/** kubectl's rule: --kubeconfig, else $KUBECONFIG, else ~/.kube/config. */
export function kubeconfigPath(flag: string | undefined): string {
  return flag ?? process.env['KUBECONFIG'] ?? `${process.env['HOME'] ?? '.'}/.kube/config`;
}

export const log = (line: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
};

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignalled(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** A Go duration flag ("40s", "1m30s") in milliseconds; undefined when absent; throws a one-line error when bad. */
export function durationFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  let seconds: number;
  try {
    seconds = parseGoDuration(value);
  } catch (err) {
    throw new Error(`invalid argument "${value}" for "--${name}" flag: ${(err as Error).message}`);
  }
  if (seconds <= 0) throw new Error(`invalid argument "${value}" for "--${name}" flag: must be positive`);
  return Math.round(seconds * 1000);
}

/** A non-negative integer flag, as pflag's int: a one-line error for anything else. */
export function countFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new Error(`invalid argument "${value}" for "--${name}" flag: must be a non-negative integer`);
  return n;
}

/** A TCP port flag (1–65535), or undefined when not given. */
export function portFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new Error(`invalid --${name} "${value}": a port is 1-65535`);
  return n;
}

/** The ingress controller's flags (--disable-ingress, --ingress-http-port, --ingress-https-port), checked before anything starts. */
export function ingressFlags(values: { 'disable-ingress'?: boolean; 'ingress-http-port'?: string; 'ingress-https-port'?: string }): false | { httpPort?: number; httpsPort?: number } {
  if (values['disable-ingress']) return false;
  return { httpPort: portFlag('ingress-http-port', values['ingress-http-port']), httpsPort: portFlag('ingress-https-port', values['ingress-https-port']) };
}

/** k3s's --flannel-backend (vxlan, its default; host-gw; none), or a one-line error. */
export function flannelBackend(value: string | undefined): 'vxlan' | 'host-gw' | 'none' {
  const v = value ?? 'vxlan';
  if (v !== 'vxlan' && v !== 'host-gw' && v !== 'none') throw new Error(`invalid --flannel-backend "${v}": vxlan, host-gw or none`);
  return v;
}
