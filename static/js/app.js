// The page's one script (the Content-Security-Policy allows no inline script): mark the body as
// able to run GOV.UK Frontend, which the template's own inline script would otherwise do, and
// start its components.
import { initAll } from "../dist/govuk-frontend.min.js";

document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
initAll();
