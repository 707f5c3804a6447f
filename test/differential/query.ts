// Strapi's REST query syntax (`filters[title][$eq]=x`), built as the `qs` package does for
// Strapi's own front-end: nested objects and arrays become bracketed keys.

type QueryValue = string | number | boolean | null | QueryValue[] | { [key: string]: QueryValue };

export function toQuery(params: Record<string, QueryValue>): string {
  const pairs: string[] = [];
  const walk = (prefix: string, value: QueryValue) => {
    if (Array.isArray(value)) value.forEach((item, index) => walk(`${prefix}[${index}]`, item));
    else if (value !== null && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) walk(`${prefix}[${key}]`, inner);
    } else pairs.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(value))}`);
  };
  for (const [key, value] of Object.entries(params)) walk(key, value);
  return pairs.length > 0 ? `?${pairs.join("&")}` : "";
}
