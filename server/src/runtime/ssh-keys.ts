import crypto from 'node:crypto';
import type { RenderedFile } from '../scenarios/render.js';

/** OpenSSH wire encoding of a string field: 32-bit length, then the bytes. */
function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * A key pair for one environment, so `ssh web` works between its hosts and a key from one
 * session is worthless in any other. ECDSA P-256 because OpenSSH reads its PEM private key
 * directly; the public key is written in OpenSSH's own format.
 */
export function environmentSshFiles(envId: string): RenderedFile[] {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x as string, 'base64url'), Buffer.from(jwk.y as string, 'base64url')]);
  const blob = Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(point)]);
  const pub = Buffer.from(`ecdsa-sha2-nistp256 ${blob.toString('base64')} lab-${envId}\n`);
  const pem = Buffer.from(privateKey.export({ format: 'pem', type: 'sec1' }) as string);
  return [
    { path: '/root/.ssh/id_ecdsa', mode: 0o600, content: pem },
    { path: '/root/.ssh/id_ecdsa.pub', mode: 0o644, content: pub },
    { path: '/root/.ssh/authorized_keys', mode: 0o600, content: pub },
  ];
}
