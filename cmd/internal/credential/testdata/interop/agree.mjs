// Verifies accredit's signed credentials with Digital Bazaar's reference
// implementation of Verifiable Credentials, Data Integrity
// (eddsa-rdfc-2022) and Bitstring Status List. TestInterop writes its
// input, {"credentials": {name: credential}, "documents": {url: document}},
// to the file named by the first argument; every URL the verifier asks for
// (contexts, the DID document, status lists) comes from "documents", never
// the network. It prints {name: {"verified": bool, "error": string}}.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const docs = input.documents;

async function documentLoader(url) {
  const [base, fragment] = url.split('#');
  let doc = docs[base];
  if(doc === undefined && base.startsWith('did:web:')) {
    // did:web, as the method maps a DID to its document's URL.
    const parts = base.slice('did:web:'.length).split(':').map(decodeURIComponent);
    const path = parts.length === 1 ? '/.well-known' : '/' + parts.slice(1).join('/');
    doc = docs['https://' + parts[0] + path + '/did.json'];
  }
  if(doc === undefined) {
    throw new Error('not served: ' + url);
  }
  if(fragment !== undefined) {
    const vm = doc.verificationMethod.find(m => m.id === url);
    if(!vm) {
      throw new Error('no verification method ' + url);
    }
    doc = {'@context': doc['@context'], ...vm};
  }
  return {contextUrl: null, documentUrl: url, document: doc};
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
const out = {};
for(const [name, credential] of Object.entries(input.credentials)) {
  const r = await vc.verifyCredential({
    credential, suite, documentLoader, checkStatus,
    now: input.now ? new Date(input.now) : undefined,
  });
  let error = '';
  if(!r.verified) {
    const errs = [].concat(r.error?.errors || r.error || [],
      r.statusResult?.error || [], ...(r.results || []).map(x => x.error || []));
    error = errs.map(e => e.message || String(e)).join('; ') ||
      (r.statusResult && !r.statusResult.verified ? 'status check failed' : 'not verified');
  } else if(r.statusResult?.results?.some(s => s.status)) {
    // checkStatus verifies the list; a set bit is reported as status.
    error = 'revoked';
  }
  out[name] = {verified: r.verified && error === '', error};
}
process.stdout.write(JSON.stringify(out));
