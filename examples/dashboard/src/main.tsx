import { render } from "preact";
import { App } from "./app.js";
import { AppProvider } from "./state.js";
import "./styles.css";

render(
  <AppProvider>
    <App />
  </AppProvider>,
  document.getElementById("app")!,
);
