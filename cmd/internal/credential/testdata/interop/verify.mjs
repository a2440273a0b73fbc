// Verifies signed credentials of a built accredit site with Digital
// Bazaar's reference implementation: node verify.mjs SITE_DIR SITE_URL CONTEXTS_DIR FILE...
import fs from 'node:fs';
import path from 'node:path';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const [siteDir, siteURL, ctxDir, ...files] = process.argv.slice(2);
const ctx = {
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-v3p0-context-3.0.3.json',
  'https://w3id.org/security/data-integrity/v2': 'data-integrity-v2.jsonld',
  'https://w3id.org/security/multikey/v1': 'multikey-v1.jsonld',
  'https://www.w3.org/ns/did/v1': 'did-v1.jsonld',
};
const didFile = fs.existsSync(path.join(siteDir, '.well-known/did.json')) ? '.well-known/did.json' : 'did.json';
const didDoc = JSON.parse(fs.readFileSync(path.join(siteDir, didFile)));
async function documentLoader(url) {
  if (ctx[url]) {
    return {contextUrl: null, documentUrl: url, document: JSON.parse(fs.readFileSync(path.join(ctxDir, ctx[url])))};
  }
  if (url.startsWith('did:web:')) {
    const [did, frag] = url.split('#');
    if (did !== didDoc.id) throw new Error('unknown DID ' + did);
    if (!frag) return {contextUrl: null, documentUrl: url, document: didDoc};
    const vm = didDoc.verificationMethod.find(m => m.id === url);
    if (!vm) throw new Error('unknown key ' + url);
    return {contextUrl: null, documentUrl: url, document: {'@context': 'https://w3id.org/security/multikey/v1', ...vm}};
  }
  if (url.startsWith(siteURL)) {
    return {contextUrl: null, documentUrl: url, document: JSON.parse(fs.readFileSync(path.join(siteDir, url.slice(siteURL.length))))};
  }
  throw new Error('refused: ' + url);
}
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
let bad = 0, revoked = 0;
for (const f of files) {
  const credential = JSON.parse(fs.readFileSync(f));
  const now = new Date(Date.parse(credential.validFrom) + 1000); // signatures, not expiry
  const r = await vc.verifyCredential({credential, suite, documentLoader, checkStatus, now});
  const bit = r.statusResult?.results?.[0]?.status;
  const plain = JSON.parse(fs.readFileSync(f.replace(/\.ob3\.json$/, '.json')));
  if (r.verified && bit !== (plain.status === 'revoked')) {
    bad++;
    console.log(path.basename(f), 'status bit', bit, 'but JSON status', plain.status);
    continue;
  }
  if (r.verified && bit) { revoked++; continue; }
  if (!r.verified) {
    const status = r.statusResult;
    if (status && status.verified && status.results?.[0]?.status === true && !r.error?.errors?.some(e => !/status/i.test(e.message))) {
      revoked++;
      continue;
    }
    bad++;
    console.log(path.basename(f), 'NOT VERIFIED', JSON.stringify(r.error?.errors?.map(e => e.message) ?? r.error?.message ?? r, null, 0).slice(0, 600));
  }
}
console.log(`${files.length} credentials: ${files.length - bad - revoked} verified, ${revoked} revoked, ${bad} failed`);
process.exit(bad ? 1 : 0);
