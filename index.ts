// webstack: a web application's whole platform for one stack (dev, test, staging or prod).
// Config is validated before anything is registered; see components/ for each part and
// README.md for how to run it.
import { defineStack } from "./components/program";

const environment = defineStack();

// Connection details and URLs for the application (see StackOutputs for each output).
export = environment.stackOutputs;
