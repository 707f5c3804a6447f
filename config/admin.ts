export default ({ env }: { env: StrapiEnv }) => ({
  // The admin panel needs a build (`strapi build`) that this app does not run yet; with the
  // panel off, `strapi start` serves the API and the admin API without it.
  serveAdminPanel: env.bool("SERVE_ADMIN_PANEL", false),
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
