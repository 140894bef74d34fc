import seedrandom from 'seedrandom';
import { CHECKER_OCTET, type ScenarioSpec } from './schema.js';

export type VariableValues = Record<string, string | number>;

/** First octet handed out automatically to hosts without an explicit address. */
const FIRST_AUTO_OCTET = 10;

/**
 * Draw a scenario's variables from a seed. The same seed always gives the same values (draws
 * happen in declaration order from one generator), so a recorded seed reproduces an environment.
 */
export function drawVariables(spec: ScenarioSpec, seed: string): VariableValues {
  const rng = seedrandom(`${spec.id}:${seed}`);
  const values: VariableValues = {};
  const taken = new Set<number>(
    Object.values(spec.hosts)
      .map((h) => h.address)
      .filter((a): a is number => typeof a === 'number'),
  );
  for (const [name, variable] of Object.entries(spec.variables)) {
    if ('pick' in variable) {
      values[name] = variable.pick[Math.floor(rng() * variable.pick.length)] as string | number;
    } else if ('int' in variable) {
      const { min, max } = variable.int;
      values[name] = min + Math.floor(rng() * (max - min + 1));
    } else {
      let octet: number;
      // Drawn octets stay clear of the automatic range so they never collide with it.
      do octet = 100 + Math.floor(rng() * 150);
      while (taken.has(octet));
      taken.add(octet);
      values[name] = octet;
    }
  }
  return values;
}

/** Resolve every host's last octet: explicit (number or rendered variable) or sequential. */
export function assignOctets(spec: ScenarioSpec, render: (template: string) => string): Record<string, number> {
  const octets: Record<string, number> = {};
  const used = new Set<number>();
  for (const [name, host] of Object.entries(spec.hosts)) {
    if (host.address === undefined) continue;
    const octet = typeof host.address === 'number' ? host.address : Number(render(host.address));
    if (!Number.isInteger(octet) || octet < 2 || octet > 254) {
      throw new Error(`hosts.${name}.address rendered to "${String(octet)}", not an octet between 2 and 254`);
    }
    if (octet === CHECKER_OCTET) throw new Error(`hosts.${name}.address ${octet} is reserved for the environment's checker`);
    if (used.has(octet)) throw new Error(`hosts.${name}.address ${octet} is used by another host`);
    used.add(octet);
    octets[name] = octet;
  }
  let next = FIRST_AUTO_OCTET;
  for (const name of Object.keys(spec.hosts)) {
    if (octets[name] !== undefined) continue;
    while (used.has(next)) next++;
    octets[name] = next;
    used.add(next);
  }
  return octets;
}
