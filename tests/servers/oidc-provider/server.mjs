// A real OpenID Connect provider for the GENBO tests: panva/oidc-provider on 127.0.0.1.
//
// Environment: OIDC_PORT (the port), OIDC_CLIENTS (a JSON list of client metadata) and
// OIDC_ACCOUNTS (a JSON object from account id to its claims). The development
// interactions of oidc-provider show a login form that accepts any account id from
// OIDC_ACCOUNTS without a password, which is what an automated test needs.
import { generateKeyPairSync } from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');
const shortLivedClients = new Set(JSON.parse(process.env.OIDC_SHORT_LIVED_CLIENTS || '[]'));

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', use: 'sig', alg: 'RS256' };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: ['genbo-test-cookie-key'] },
  pkce: { required: () => true },
  // Put the claims of the requested scopes into the ID token, as Entra ID does.
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub', 'oid'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'jobTitle', 'department'],
  },
  ttl: {
    IdToken: (ctx, token, client) => (shortLivedClients.has(client.clientId) ? 1 : 3600),
  },
  async findAccount(ctx, id) {
    if (!accounts[id]) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...accounts[id] };
      },
    };
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on http://127.0.0.1:${port}`);
});
