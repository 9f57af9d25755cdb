// Renders /openapi.json with Redoc, whose bundle Flux serves itself (scripts/vendor-redoc):
// the page fetches nothing from anywhere else, and says so in its Content-Security-Policy.
import { init } from "/docs/redoc.standalone.js";

init(
  "/openapi.json",
  {
    disableTelemetry: true,
    requiredPropsFirst: true,
    jsonSamplesExpandLevel: 3,
  },
  document.getElementById("redoc"),
);
