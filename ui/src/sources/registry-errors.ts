// What the add-registry dialog says for each error code from add_registry. Plain words, and a
// next step where there is one.
import type { AppError } from "../ipc";

export type RegistryErrorText = { title: string; detail: string };

export function registryErrorText(error: AppError, host: string, withCredentials = true): RegistryErrorText {
  const where = host.trim() || "the registry";
  if (error.code === "unauthorized" && !withCredentials) {
    return {
      title: "This registry needs a sign-in",
      detail: `${where} answers only signed-in users. Enter a username and a password or token.`,
    };
  }
  switch (error.code) {
    case "unauthorized":
      return {
        title: "Wrong username or password",
        detail: `${where} refused these credentials. Check the username and the password or token.`,
      };
    case "unreachable":
      return {
        title: `Could not reach ${where}`,
        detail: "Check the host name and port, and that the registry is running and reachable from this computer.",
      };
    case "tls":
      return {
        title: "Certificate problem",
        detail: `The TLS certificate of ${where} could not be verified. Choose the registry's CA certificate under “Custom CA”, or tick “Plain HTTP” if the registry does not use TLS.`,
      };
    case "no_keyring":
      return {
        title: "No OS keyring",
        detail: `Stowage keeps passwords in the OS keyring, and none is available here. Start a keyring (Secret Service), or sign in with \`docker login ${where}\`: Stowage also reads Docker's credentials.`,
      };
    default:
      return { title: "Could not add the registry", detail: error.message };
  }
}
