// A real OpenID provider for the single sign-on tests: the npm package oidc-provider (OpenID Certified), not
// written here. tests/sso/oidc_provider.py starts it on 127.0.0.1 and hands it, in the environment:
//   OIDC_PORT      the port to listen on
//   OIDC_CLIENTS   JSON: the registered clients (client_id, client_secret, redirect_uris, post_logout_redirect_uris)
//   OIDC_ACCOUNTS  JSON: the accounts, by login: {"ada@acme.test": {"email_verified": true, "name": "Ada Lovelace"}}
//   OIDC_CONTROL_TOKEN  the secret a test sends to make the provider misbehave (below)
// Its own development login and consent pages are what the browser goes through: any password is accepted for a
// login that OIDC_ACCOUNTS names, and a login it does not name is refused.
//
// The refusals of a token no honest provider issues need one issued anyway. A test asks for it with
//   POST /test-control/id-token-fault?fault=audience|expired   (fault= empty: honest again)
// and the header "Authorization: Bearer <OIDC_CONTROL_TOKEN>"; from then on the token endpoint's ID tokens name
// another client as their audience, or expired an hour ago, and are signed again with the provider's own key, the
// one its JWKS publishes: the signature verifies, so the portal must refuse on the claim itself.
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const clients = JSON.parse(process.env.OIDC_CLIENTS);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);
const controlToken = process.env.OIDC_CONTROL_TOKEN;

// The signing key is made here rather than left to oidc-provider's development default, so that the launcher
// holds it and can sign an altered ID token with it.
const { privateKey: signingKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(signingKey)), kid: 'tests-signing-key', alg: 'RS256', use: 'sig' };

const FAULTS = {
  // A token meant for another of the provider's clients, brought to this one: the portal must not accept it.
  audience: (claims) => ({ ...claims, aud: clients.find((client) => client.client_id !== claims.aud).client_id }),
  // A token expired an hour ago (far beyond the portal's leeway for clocks), issued an hour before that.
  expired: (claims) => {
    const now = Math.floor(Date.now() / 1000);
    return { ...claims, iat: now - 7200, exp: now - 3600 };
  },
};
let idTokenFault = '';

async function altered(idToken) {
  const header = decodeProtectedHeader(idToken);
  const claims = FAULTS[idTokenFault](decodeJwt(idToken));
  return new SignJWT(claims).setProtectedHeader(header).sign(signingKey);
}

async function findAccount(ctx, id) {
  const account = accounts[id];
  if (!account) return undefined;
  return {
    accountId: id,
    async claims() {
      return { sub: id, email: id, email_verified: account.email_verified, name: account.name };
    },
  };
}

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients,
  findAccount,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The portal reads the person from the ID token, as most relying parties do, not from the userinfo endpoint.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ['only-for-the-tests'] },
  jwks: { keys: [signingJwk] },
});
provider.on('server_error', (ctx, error) => console.error(error));

provider.use(async (ctx, next) => {
  if (ctx.path === '/test-control/id-token-fault') {
    const fault = ctx.query.fault ?? '';
    if (!controlToken || ctx.method !== 'POST' || ctx.get('authorization') !== `Bearer ${controlToken}`) {
      ctx.status = 403;
    } else if (fault !== '' && !Object.hasOwn(FAULTS, fault)) {
      ctx.status = 400;
    } else {
      idTokenFault = fault;
      ctx.status = 204;
    }
    return;
  }
  await next();
  if (idTokenFault && ctx.path === '/token' && ctx.body?.id_token) {
    ctx.body = { ...ctx.body, id_token: await altered(ctx.body.id_token) };
  }
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on http://127.0.0.1:${port}`);
});
