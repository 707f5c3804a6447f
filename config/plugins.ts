export default ({ env }: { env: StrapiEnv }) => ({
  "users-permissions": {
    config: {
      jwtSecret: env("JWT_SECRET"),
    },
  },
  // The content types of the differential tests (test/differential*.test.ts), a test-only
  // local plugin: off unless the tests switch it on, so an app cloned from here never has them.
  ...(env.bool("STRAPI_LIBSQL_TEST_FIXTURES", false)
    ? { "libsql-fixtures": { enabled: true, resolve: "./test/fixtures/libsql-fixtures" } }
    : {}),
});
