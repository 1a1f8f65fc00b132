// A real OpenID Connect provider for the SSO browser test (npm oidc-provider, devDependency).
// Started on loopback by tests/browser/test_sso.py; configured by environment variables:
// OP_PORT, OP_CLIENT_ID, OP_CLIENT_SECRET, OP_REDIRECT_URI, OP_ACCOUNTS (JSON: login -> claims).
// Its development login form accepts any login; the account's claims come from OP_ACCOUNTS.
import Provider from 'oidc-provider';

const port = Number(process.env.OP_PORT);
const accounts = JSON.parse(process.env.OP_ACCOUNTS || '{}');

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: process.env.OP_CLIENT_ID,
      client_secret: process.env.OP_CLIENT_SECRET,
      redirect_uris: [process.env.OP_REDIRECT_URI],
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: { openid: ['sub'], profile: ['name', 'employee_number'], email: ['email'] },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return { sub: id, ...(accounts[id] || {}) }; } };
  },
  cookies: { keys: ['test-only-cookie-signing-key'] },
  features: { devInteractions: { enabled: true } },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${port}`);
});
