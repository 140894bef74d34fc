import type Docker from 'dockerode';
import { FaultlineError, errorMessage } from '../errors/index.js';
import { logger } from '../logging/index.js';
import { LABELS, engineStatus, withDeadline, withSignal } from './docker.js';

/** Bridge interfaces of lab networks are named fl-<envId>, so one host rule matches them all. */
export const BRIDGE_PREFIX = 'fl-';

/** How often a network whose creation timed out is looked for, to remove it if it appears late. */
const LATE_NETWORK_POLL_MS = 500;
/** The shortest watch for such a network: a busy engine may complete it seconds after our deadline. */
const LATE_NETWORK_WATCH_MS = 15_000;

function parsePool(pool: string): { base: number; size: number } {
  const [addr, bits] = pool.split('/') as [string, string];
  const octets = addr.split('.').map(Number);
  const prefix = Number(bits);
  if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255)) || prefix > 24) {
    throw new FaultlineError('bad_request', `FAULTLINE_SUBNET_POOL ${pool} must be an IPv4 CIDR of /24 or larger`);
  }
  const base = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8)) >>> 0;
  return { base: base & ~((1 << (32 - prefix)) - 1) >>> 0, size: 1 << (24 - prefix) };
}

function subnetAt(base: number, index: number): string {
  const n = (base + index * 256) >>> 0;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.0/24`;
}

/**
 * Hands out one /24 per environment from a configured pool, so networks never depend on the
 * engine's small default pools and seeded variants can place hosts at known addresses.
 */
export class SubnetAllocator {
  private readonly reserved = new Set<string>();
  private readonly base: number;
  private readonly size: number;

  constructor(
    private readonly docker: Docker,
    pool: string,
    private readonly timeoutMs: number,
  ) {
    ({ base: this.base, size: this.size } = parsePool(pool));
  }

  /** Create the environment's internal network on a free /24, retrying past overlaps. */
  async createNetwork(name: string, labels: Record<string, string>): Promise<{ id: string; subnet: string }> {
    const inUse = await this.subnetsInUse();
    const start = Math.floor(Math.random() * this.size);
    for (let i = 0; i < this.size; i++) {
      const subnet = subnetAt(this.base, (start + i) % this.size);
      if (inUse.has(subnet) || this.reserved.has(subnet)) continue;
      this.reserved.add(subnet);
      try {
        const network = await withDeadline(`create network ${name}`, this.timeoutMs, (abortSignal) =>
          this.docker.createNetwork({
            Name: name,
            Driver: 'bridge',
            Internal: true,
            CheckDuplicate: true,
            Labels: labels,
            IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] },
            Options: {
              'com.docker.network.bridge.name': name,
              'com.docker.network.bridge.enable_icc': 'true',
            },
            abortSignal,
          } as Docker.NetworkCreateOptions),
        );
        return { id: network.id, subnet };
      } catch (err) {
        // Another process took this range first (or the host uses it): try the next one.
        if (engineStatus(err) === 403 || /overlap/i.test(String((err as Error).message))) continue;
        if (err instanceof FaultlineError && err.code === 'timeout') await this.removeLate(name, labels);
        throw err;
      } finally {
        this.reserved.delete(subnet);
      }
    }
    throw new FaultlineError('lab_full', `No free /24 left in the subnet pool; end some sessions or widen FAULTLINE_SUBNET_POOL`);
  }

  /**
   * A creation we gave up on may still complete on a busy engine: watch for the network (by name
   * and environment label) for as long again as we waited, at least LATE_NETWORK_WATCH_MS, and
   * remove it if it shows up, so a timed-out start leaves nothing behind.
   */
  private async removeLate(name: string, labels: Record<string, string>): Promise<void> {
    const until = Date.now() + Math.max(this.timeoutMs, LATE_NETWORK_WATCH_MS);
    const filters = { name: [name], label: [`${LABELS.env}=${labels[LABELS.env] ?? ''}`] };
    let lastError: unknown;
    while (Date.now() < until) {
      try {
        const found = await withDeadline(`look for network ${name}`, this.timeoutMs, (abortSignal) =>
          this.docker.listNetworks(withSignal(abortSignal, { filters })),
        );
        for (const n of found) {
          await withDeadline(`remove network ${name}`, this.timeoutMs, (abortSignal) =>
            this.docker.getNetwork(n.Id).remove(withSignal(abortSignal)),
          ).catch((err: unknown) => {
            if (engineStatus(err) !== 404) throw err;
          });
          logger.info({ network: name }, 'removed a network whose creation had timed out');
        }
        if (found.length > 0) return;
        lastError = undefined;
      } catch (err) {
        // The engine is still too busy to answer: look again until the watch ends.
        lastError = err;
      }
      await new Promise((resolve) => setTimeout(resolve, LATE_NETWORK_POLL_MS));
    }
    if (lastError) {
      logger.error(
        { network: name, err: errorMessage(lastError) },
        'could not look for a network whose creation timed out; the reaper removes it at its expiry',
      );
    }
  }

  private async subnetsInUse(): Promise<Set<string>> {
    const networks = await withDeadline('list networks', this.timeoutMs, (abortSignal) =>
      this.docker.listNetworks(withSignal(abortSignal)),
    );
    const used = new Set<string>();
    for (const n of networks) for (const c of n.IPAM?.Config ?? []) if (c.Subnet) used.add(c.Subnet);
    return used;
  }
}

export function managedFilter(extra: Record<string, string> = {}): { label: string[] } {
  return { label: [`${LABELS.managed}=true`, ...Object.entries(extra).map(([k, v]) => `${k}=${v}`)] };
}
