// A single-page app as one is written for Microsoft Graph, configured for presence:
// @azure/msal-browser signs a test user in (authorization code with PKCE, by redirect) against
// presence's authority, and the Graph JavaScript client's browser build sets and reads the
// user's presence with the token. Every call crosses origins, so the browser enforces CORS on
// each. `config.js` (written by the test) sets window.PRESENCE = {origin, tenant, clientId,
// loginHint}. What happened is written into #status, #result and #errors for the test to read.
const { origin, tenant, clientId, loginHint } = window.PRESENCE;
const scopes = ["https://graph.microsoft.com/Presence.ReadWrite", "https://graph.microsoft.com/Presence.Read.All"];
const show = (id, text) => { document.getElementById(id).textContent = text; };

const app = new msal.PublicClientApplication({
  auth: {
    clientId,
    authority: `${origin}/${tenant}`,
    knownAuthorities: [new URL(origin).host],
    redirectUri: window.location.origin + "/",
  },
  cache: { cacheLocation: "sessionStorage" },
});

async function main() {
  await app.initialize();
  const redirected = await app.handleRedirectPromise();
  const account = redirected?.account ?? app.getAllAccounts()[0];
  if (!account) {
    show("status", "signing in");
    await app.loginRedirect({ scopes, loginHint });
    return;
  }
  show("status", `signed in as ${account.username}`);
  const { accessToken } = await app.acquireTokenSilent({ scopes, account });
  const client = MicrosoftGraph.Client.init({
    authProvider: (done) => done(null, accessToken),
    baseUrl: origin,
    defaultVersion: "v1.0",
    customHosts: new Set([new URL(origin).hostname]),
  });
  const me = await client.api("/me/presence").get();
  await client.api(`/users/${me.id}/presence/setPresence`).post({
    sessionId: clientId,
    availability: "Busy",
    activity: "InACall",
    expirationDuration: "PT1H",
  });
  const after = await client.api("/me/presence").get();
  let refused = "none";
  try {
    await client.api("/users/not-a-user-of-this-tenant/presence/clearPresence").post({ sessionId: clientId });
  } catch (error) {
    // An error's status and body are readable across origins too.
    refused = `${error.statusCode} ${error.code}`;
  }
  // The control plane is same-origin only: the browser must refuse to hand its answer over.
  let admin = "readable";
  try {
    await fetch(`${origin}/admin/info`, { headers: { Authorization: `Bearer ${accessToken}` } });
  } catch {
    admin = "blocked";
  }
  show("result", `${after.id} ${after.availability} ${after.activity}; refused: ${refused}; admin: ${admin}`);
  show("status", "done");
}

main().catch((error) => {
  show("errors", `${error.name}: ${error.errorCode ?? ""} ${error.message}`);
  show("status", "failed");
});
