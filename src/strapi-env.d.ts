// The `env` helper Strapi passes to every config/*.ts function.
interface StrapiEnv {
  (name: string): string | undefined;
  (name: string, fallback: string): string;
  int(name: string, fallback: number): number;
  bool(name: string, fallback: boolean): boolean;
  array(name: string, fallback?: string[]): string[];
}
