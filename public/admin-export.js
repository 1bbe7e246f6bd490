// Staff CSV exports with a progress bar. Without JavaScript (or without streams) a link marked
// `data-export` downloads as any link does. With it, the file is fetched as a stream, its rows are
// counted against the X-Total-Rows header the server sends first, a <progress> shows how far it
// got, and the finished file is handed to the browser as a download. Loaded only by staff pages,
// so none of it is in the shoppers' bundle.
(function () {
  'use strict';
  function filename(res, fallback) {
    var cd = res.headers.get('Content-Disposition') || '';
    var m = /filename="?([^";]+)"?/.exec(cd);
    return m ? m[1] : fallback;
  }
  function say(el, text) { if (el) el.textContent = text; }
  document.addEventListener('click', function (ev) {
    var link = ev.target.closest && ev.target.closest('a[data-export]');
    if (!link || !window.fetch || !window.ReadableStream || link.dataset.busy) return;
    ev.preventDefault();
    var box = document.getElementById(link.dataset.export);
    var bar = box && box.querySelector('progress');
    var status = box && box.querySelector('[role="status"]');
    link.dataset.busy = '1';
    if (box) box.hidden = false;
    say(status, 'Preparing the file…');
    fetch(link.href, { credentials: 'same-origin' }).then(function (res) {
      if (!res.ok) {
        return res.text().then(function (t) { throw new Error(t || ('The export failed (' + res.status + ').')); });
      }
      var total = parseInt(res.headers.get('X-Total-Rows') || '', 10);
      if (bar) { if (total > 0) { bar.max = total; bar.value = 0; } else { bar.removeAttribute('value'); } }
      var reader = res.body.getReader();
      var chunks = [];
      var lines = 0;
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) return;
          chunks.push(r.value);
          for (var i = 0; i < r.value.length; i++) if (r.value[i] === 10) lines++;
          var rows = Math.max(lines - 1, 0);
          if (bar && total > 0) bar.value = Math.min(rows, total);
          say(status, total > 0 ? rows.toLocaleString() + ' of ' + total.toLocaleString() + ' rows' : rows.toLocaleString() + ' rows');
          return pump();
        });
      }
      return pump().then(function () {
        var rows = Math.max(lines - 1, 0);
        var url = URL.createObjectURL(new Blob(chunks, { type: 'text/csv' }));
        var a = document.createElement('a');
        a.href = url;
        a.download = filename(res, 'export.csv');
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        if (bar) { bar.max = Math.max(rows, 1); bar.value = bar.max; }
        say(status, 'Downloaded ' + rows.toLocaleString() + ' rows.');
      });
    }).catch(function (e) {
      say(status, e.message || 'The export failed.');
    }).finally(function () {
      delete link.dataset.busy;
    });
  });
})();
