import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { Source } from "../../src/ipc/bindings";

const addRegistry = vi.fn();
const pickCaFile = vi.fn();
vi.mock("../../src/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/ipc")>()),
  addRegistry: (...args: unknown[]) => addRegistry(...args),
  pickCaFile: () => pickCaFile(),
}));

const { default: AddRegistryDialog } = await import("../../src/sources/AddRegistryDialog.svelte");

// happy-dom's <dialog> has no modal mode; what matters here is the open state.
beforeEach(() => {
  addRegistry.mockReset();
  pickCaFile.mockReset();
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
});

async function submitWith(host: string, user: string, secret: string) {
  await fireEvent.input(screen.getByLabelText("Registry host"), { target: { value: host } });
  await fireEvent.input(screen.getByLabelText("Username"), { target: { value: user } });
  await fireEvent.input(screen.getByLabelText("Password or token"), { target: { value: secret } });
  await fireEvent.click(screen.getByRole("button", { name: "Verify and save" }));
}

describe("add-registry dialog errors", () => {
  const cases: Array<[string, RegExp, RegExp]> = [
    ["unauthorized", /Wrong username or password/, /refused these credentials/],
    ["unreachable", /Could not reach reg\.example:5000/, /host name and port/],
    ["tls", /Certificate problem/, /Custom CA.*Plain HTTP/],
    ["no_keyring", /No OS keyring/, /docker login reg\.example:5000/],
    ["quota", /Could not add the registry/, /the registry said something odd/],
  ];
  for (const [code, title, detail] of cases) {
    test(`says plainly what "${code}" means`, async () => {
      addRegistry.mockRejectedValue({ code, message: "the registry said something odd" });
      render(AddRegistryDialog, { onclose: vi.fn(), onadded: vi.fn() });
      await submitWith("reg.example:5000", "bob", "pw");
      const alert = await screen.findByRole("alert");
      expect(alert.getAttribute("data-code")).toBe(code);
      expect(alert.textContent).toMatch(title);
      expect(alert.textContent).toMatch(detail);
    });
  }

  test("sends the request, shows progress, and reports the new source", async () => {
    let resolve: (s: Source) => void = () => {};
    addRegistry.mockReturnValue(new Promise<Source>((r) => (resolve = r)));
    pickCaFile.mockResolvedValue("/etc/ca.pem");
    const onadded = vi.fn();
    render(AddRegistryDialog, { onclose: vi.fn(), onadded });
    await fireEvent.click(screen.getByRole("button", { name: "Choose file…" }));
    await screen.findByText("/etc/ca.pem");
    await submitWith(" reg.example:5000 ", "bob", "s3cret");
    expect(addRegistry).toHaveBeenCalledWith({ host: "reg.example:5000", username: "bob", secret: "s3cret", insecure: false, caFile: "/etc/ca.pem" });
    expect(await screen.findByText(/Verifying/)).toBeTruthy();
    const source: Source = { id: "reg.example:5000", kind: "registry", name: "reg.example:5000", origin: "added", signedIn: true, username: "bob", credentialFrom: "OS keyring", insecure: false, customCa: true };
    resolve(source);
    await waitFor(() => expect(onadded).toHaveBeenCalledWith(source));
    expect(screen.queryByRole("alert")).toBeNull();
  });

  test("typing goes into the first field to fill, not to the close button", async () => {
    const { unmount } = render(AddRegistryDialog, { onclose: vi.fn(), onadded: vi.fn() });
    expect(document.activeElement).toBe(screen.getByLabelText("Registry host"));
    unmount();
    // Signing in to a listed registry: the host is given, the username is next.
    render(AddRegistryDialog, { host: "ghcr.io", onclose: vi.fn(), onadded: vi.fn() });
    expect(document.activeElement).toBe(screen.getByLabelText("Username"));
  });

  test("an empty host cannot be submitted", async () => {
    render(AddRegistryDialog, { onclose: vi.fn(), onadded: vi.fn() });
    const button = screen.getByRole("button", { name: "Verify and save" }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
  });
});
