// The EDNS(0) OPT pseudo-record this server puts on its queries and responses.
import type { Answer, OptAnswer } from 'dns-packet';

/** An OPT record advertising `udpPayloadSize`, no options, DO clear. */
export function optRecord(udpPayloadSize: number): Answer {
  const opt: OptAnswer = { type: 'OPT', name: '.', udpPayloadSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
  return opt;
}
