export default ({ env }: { env: StrapiEnv }) => ({
  // On by default, as in any Strapi app: `pnpm start` builds the panel into dist/build when it
  // is missing or outdated. SERVE_ADMIN_PANEL=false serves the API and the admin API only,
  // and `pnpm start` then skips the build.
  serveAdminPanel: env.bool("SERVE_ADMIN_PANEL", true),
  auth: {
    secret: env("ADMIN_JWT_SECRET"),
  },
  apiToken: {
    salt: env("API_TOKEN_SALT"),
  },
  transfer: {
    token: {
      salt: env("TRANSFER_TOKEN_SALT"),
    },
  },
  flags: {
    nps: env.bool("FLAG_NPS", false),
    promoteEE: env.bool("FLAG_PROMOTE_EE", false),
  },
});
