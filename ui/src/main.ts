import { mount } from "svelte";
import App from "./App.svelte";
import { installPerfHooks } from "./lib/perf";
import "./app.css";

installPerfHooks();

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app");
export default mount(App, { target });
