// Test-only entry: the mocks are installed before the app's first IPC call (imports run in order).
import "./mock-ipc";
import "../../src/main";
