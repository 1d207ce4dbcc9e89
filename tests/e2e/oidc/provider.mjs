// A real OpenID provider for the single sign-on tests: the npm package oidc-provider (OpenID Certified), not
// written here. tests/sso/provider.py starts it on 127.0.0.1 and hands it, as JSON in the environment:
//   OIDC_PORT      the port to listen on
//   OIDC_CLIENTS   the registered clients (client_id, client_secret, redirect_uris, post_logout_redirect_uris)
//   OIDC_ACCOUNTS  the accounts, by login: {"ada@acme.test": {"email_verified": true, "name": "Ada Lovelace"}}
// Its own development login and consent pages are what the browser goes through: any password is accepted for a
// login that OIDC_ACCOUNTS names, and a login it does not name is refused.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const clients = JSON.parse(process.env.OIDC_CLIENTS);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);

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
});
provider.on('server_error', (ctx, error) => console.error(error));

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on http://127.0.0.1:${port}`);
});
