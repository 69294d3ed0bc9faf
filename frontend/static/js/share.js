// An invitation shared the way phones share: the system share sheet (Web Share API) where
// the browser has one, else a button that copies the link. The texts come from the page,
// already in its language.
export function setUpSharing(box = document.getElementById("invitation-share")) {
  if (!box) return;
  const { title, text, url, copied, copyFailed } = box.dataset;
  const status = box.querySelector("#share-status");
  const share = box.querySelector("#share-invitation");
  const copy = box.querySelector("#copy-invitation");

  if (typeof navigator.share === "function") {
    share.hidden = false;
    share.addEventListener("click", async () => {
      try {
        await navigator.share({ title, text, url });
      } catch (error) {
        // Closing the share sheet is a choice, not a failure.
        if (error.name !== "AbortError") status.textContent = copyFailed;
      }
    });
    return;
  }
  copy.hidden = false;
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(url);
      status.textContent = copied;
    } catch {
      status.textContent = copyFailed;
      document.getElementById("invitation-link")?.select();
    }
  });
}

setUpSharing();
