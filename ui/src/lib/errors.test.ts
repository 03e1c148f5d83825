import { describe, expect, test } from "vitest";
import { registryErrorText } from "../sources/registry-errors";
import type { AppError } from "../ipc";
import { graphErrorText } from "./errors";

describe("graph errors in words", () => {
  test("a missing tag says so, without the URL first", () => {
    const t = graphErrorText({ code: "not_found", message: "not found: manifest v9 (http://127.0.0.1:5000/v2/a/manifests/v9)" }, "demo/app", "v9");
    expect(t.title).toBe("v9 is not in demo/app.");
    expect(t.hint).toMatch(/Refresh/);
  });

  test("a registry that went down is said to be unreachable, and the tag is not blamed", () => {
    const t = graphErrorText({ code: "unreachable", message: "cannot reach http://127.0.0.1:5000/v2/: tcp connect error (os error 111)" }, "demo/app", "v1");
    expect(t.title).toBe("Could not reach the registry.");
    expect(t.detail).toContain("os error 111");
    expect(t.hint).not.toMatch(/tag/);
  });
});

describe("adding a registry", () => {
  test("a 401 to an anonymous try asks for a sign-in; to a password, says it is wrong", () => {
    const e: AppError = { code: "unauthorized", message: "registry.example needs you to sign in" };
    expect(registryErrorText(e, "registry.example", false).title).toBe("This registry needs a sign-in");
    expect(registryErrorText(e, "registry.example", true).title).toBe("Wrong username or password");
  });
});
