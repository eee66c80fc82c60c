import { MissingDependencyError } from "../util/optional-deps.js";

/**
 * The one place testcontainers is imported (an optional peer dependency, heavy: dockerode,
 * ssh2 and their native builds), so users who never start a container need not install it.
 */
export async function importTestcontainers(): Promise<typeof import("testcontainers")> {
  try {
    return await import("testcontainers");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw err;
    throw new MissingDependencyError(
      "container targets need testcontainers, which is not installed (an optional peer dependency): run `npm install testcontainers@11`",
    );
  }
}
