// The door's pages (lobby, create form): show only the chosen scenario's seats, and ask
// before deleting a game. Everything works without this script too.
function showScenario() {
  const select = document.getElementById("scenario");
  if (!select) return;
  for (const fs of document.querySelectorAll("fieldset.scenario-seats")) {
    const on = fs.dataset.scenario === select.value;
    fs.hidden = !on;
    fs.disabled = !on; // a hidden scenario's choices are not sent
  }
}
const scenario = document.getElementById("scenario");
if (scenario) {
  scenario.addEventListener("change", showScenario);
  showScenario();
}
for (const form of document.querySelectorAll("form.confirm-form")) {
  form.addEventListener("submit", (e) => {
    if (!window.confirm(form.dataset.confirm)) e.preventDefault();
  });
}
