// lumen-forms.js: a form_submit {id, action} for every form submitted. Opt-in, as a module: a submit
// can be sensitive, and some sites submit on every keystroke.
import { cleanUrl } from "../privacy";
import { send } from "./send";

addEventListener(
  "submit",
  ({ target }) => {
    const form = target as HTMLFormElement;
    send("form_submit", { id: form.id, action: cleanUrl(form.action) });
  },
  true,
);
