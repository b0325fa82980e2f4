// Sending a record's form, one way for every form of the sales screens: the 422's messages
// beside their fields (the rest said in the form's status line), a refusal in the service's
// own words, a 503 in one sentence — and the form left as it was, nothing typed lost.
import { clearFieldErrors, message, showFieldErrors } from "./errors.js";

// The service's own reason when it refuses (a closed deal reopened by a rep, a quote not yet
// sent), else the console's sentence for the status.
export function refusal(error) {
  return [403, 409].includes(error.status) && error.detail ? error.detail : message(error);
}

// The form's values, trimmed, empty ones left out (the service's defaults apply).
export function filled(form) {
  return Object.fromEntries([...new FormData(form)].map(([name, value]) => [name, String(value).trim()])
    .filter(([, value]) => value !== ""));
}

// Runs `action` for the form; its answer, or null once the error is shown.
export async function send(form, status, action) {
  const buttons = [...form.querySelectorAll("button")];
  clearFieldErrors(form);
  status.textContent = "";
  buttons.forEach((button) => { button.disabled = true; });
  try {
    return await action();
  } catch (error) {
    const unplaced = error.status === 422 ? showFieldErrors(form, error.errors) : [];
    status.textContent = [refusal(error), ...unplaced].join(" ");
    form.querySelector("[aria-invalid=true]")?.focus();
    return null;
  } finally {
    buttons.forEach((button) => { button.disabled = false; });
  }
}
