// A real OpenID provider (npm oidc-provider) on loopback, for the sign-in tests only.
//
//   node provider.mjs --port 5123 --client-id cabinet --client-secret s3cret \
//        --redirect-uri http://127.0.0.1:8123/auth/oidc/callback
//
// One confidential client (authorization code, PKCE required, client_secret_basic).
// Sign-in needs no browser: GET /interaction/<uid> answers a small form, and
// POST /interaction/<uid>/login with `login=<account>` signs that account in and
// grants the client's scopes in the same step (a first-party client: no consent
// page). The form may also carry `agency`, `cabinet_role`, `preferred_username` or
// `name` to give the account other claims for that sign-in (each sign-in starts
// from the account's own), so a test can sign in someone whose claims the
// register does not accept, or whose role changed.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { parseArgs } from "node:util";

import { Provider } from "oidc-provider";

const { values: args } = parseArgs({
  options: {
    port: { type: "string" },
    "client-id": { type: "string" },
    "client-secret": { type: "string" },
    "redirect-uri": { type: "string", multiple: true },
  },
});
for (const name of ["port", "client-id", "client-secret", "redirect-uri"]) {
  if (!args[name]) {
    console.error(`provider.mjs: --${name} is required`);
    process.exit(2);
  }
}
const port = Number(args.port);
const issuer = `http://127.0.0.1:${port}`;

// The claims each test account starts with; the login form may change them.
const CLAIM_NAMES = ["agency", "cabinet_role", "preferred_username", "name"];
const ACCOUNTS = Object.freeze({
  somchai: { agency: "SOC", cabinet_role: "staff", name: "Somchai" },
  malee: { agency: "OPDC", cabinet_role: "head", name: "Malee" },
  stranger: { agency: "XYZ", cabinet_role: "staff", name: "Stranger" },
  engine: { agency: "SOC", cabinet_role: "system", name: "Engine" },
});
// What each account's claims are now: its own, changed by its last sign-in's form.
const accounts = new Map(Object.entries(ACCOUNTS));

function claimsOf(accountId) {
  const claims = accounts.get(accountId);
  return claims && { preferred_username: accountId, ...claims, sub: accountId };
}

// A fresh signing key each run: the relying party must fetch it from jwks_uri.
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "test-1", use: "sig",
  alg: "RS256" };

const provider = new Provider(issuer, {
  clients: [{
    client_id: args["client-id"],
    client_secret: args["client-secret"],
    redirect_uris: args["redirect-uri"],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  pkce: { required: () => true },
  claims: {
    openid: ["sub"],
    profile: CLAIM_NAMES,
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const claims = claimsOf(sub);
    if (!claims) return undefined;
    return { accountId: sub, async claims() { return claimsOf(sub); } };
  },
});

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const INTERACTION = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/;

provider.use(async (ctx, next) => {
  const match = INTERACTION.exec(ctx.path);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== match[1]) ctx.throw(400, "interaction mismatch");
  if (ctx.method === "GET" && !match[2]) {
    ctx.type = "html";
    ctx.body = `<!doctype html><title>Sign in</title>
<form method="post" action="/interaction/${escape(details.uid)}/login">
<label>Account <input name="login" autofocus></label>
<button>Sign in</button></form>`;
    return;
  }
  if (ctx.method !== "POST" || !match[2]) ctx.throw(405);
  const form = await readForm(ctx.req);
  const accountId = form.get("login") ?? "";
  if (!Object.hasOwn(ACCOUNTS, accountId)) {
    await provider.interactionFinished(ctx.req, ctx.res, {
      error: "access_denied", error_description: "unknown account" });
    ctx.respond = false;
    return;
  }
  const claims = { ...ACCOUNTS[accountId] };
  for (const name of CLAIM_NAMES) if (form.has(name)) claims[name] = form.get(name);
  accounts.set(accountId, claims);
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(ctx.req, ctx.res,
    { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  ctx.respond = false;
});

provider.listen(port, "127.0.0.1", () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
