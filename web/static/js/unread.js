// The unread notices count beside "Pemberitahuan" in the site header. The link works without it;
// the count comes from /pemberitahuan/jumlah after the page has loaded, so no page waits for it.
document.querySelectorAll("[data-unread-count]").forEach(function (badge) {
  fetch(badge.dataset.unreadCount, { credentials: "same-origin", cache: "no-store" })
    .then(function (response) { return response.ok ? response.text() : "0"; })
    .then(function (text) {
      var count = parseInt(text, 10);
      if (count > 0) {
        badge.textContent = count > 99 ? "99+" : String(count);
        badge.title = count + " " + (badge.dataset.label || "");
        badge.hidden = false;
      }
    })
    .catch(function () { /* no badge: the link still works */ });
});
