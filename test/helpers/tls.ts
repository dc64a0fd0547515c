/**
 * A throwaway certificate authority and one wildcard certificate for the test domain, made with
 * openssl in a temporary folder for each test file. No key is ever committed: every run makes new
 * ones, valid for two days.
 */
import { execFileSync } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { OPENSSL } from './tools.ts'

/** The cookie domain of the proxy tests. `.test` is reserved (RFC 2606), so no real host has this name. */
export const TEST_DOMAIN = 'example.test'

export interface TestCertificates {
  /** PEM of the CA that clients must trust. */
  caPem: string
  caPath: string
  /** The leaf certificate for *.example.test and example.test, then the CA: the chain a server sends. */
  chainPath: string
  keyPath: string
  /** base64 SHA-256 of the leaf's public key, for Chromium's --ignore-certificate-errors-spki-list. */
  spkiSha256: string
}

/** Makes a CA and a certificate for `*.<domain>` in `dir`. */
export function makeTestCertificates (dir: string, domain = TEST_DOMAIN): TestCertificates {
  const path = (name: string): string => join(dir, name)
  const openssl = (...args: string[]): void => {
    execFileSync(OPENSSL.path, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  }

  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', path('ca.key'), '-out', path('ca.crt'), '-days', '2', '-subj', '/CN=pushgate test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', path('site.key'), '-out', path('site.csr'), '-subj', `/CN=*.${domain}`)
  writeFileSync(path('site.ext'), [
    `subjectAltName=DNS:*.${domain},DNS:${domain}`,
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth'
  ].join('\n'))
  openssl('x509', '-req', '-in', path('site.csr'), '-CA', path('ca.crt'), '-CAkey', path('ca.key'),
    '-CAcreateserial', '-out', path('site.crt'), '-days', '2', '-extfile', path('site.ext'))

  const caPem = readFileSync(path('ca.crt'), 'utf8')
  const leafPem = readFileSync(path('site.crt'), 'utf8')
  writeFileSync(path('chain.crt'), leafPem + caPem)

  const spki = new X509Certificate(leafPem).publicKey.export({ type: 'spki', format: 'der' })
  return {
    caPem,
    caPath: path('ca.crt'),
    chainPath: path('chain.crt'),
    keyPath: path('site.key'),
    spkiSha256: createHash('sha256').update(spki).digest('base64')
  }
}
