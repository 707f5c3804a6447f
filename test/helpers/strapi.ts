export * from "../../scripts/lib/strapi-process";
