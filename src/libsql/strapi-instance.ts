// The running Strapi, for the code that meets Strapi outside what the dialect is handed: Strapi
// puts its instance on the global object, in 4 and in 5. A CLI command may run without one.

/** Strapi's instance, typed by the caller as the part of it the caller uses. */
export function currentStrapi<StrapiPart>(): StrapiPart | undefined {
  return (globalThis as { strapi?: StrapiPart }).strapi;
}
