/* The Open page: say so when a file chosen or dropped on the upload box is larger than the
 * upload limit. The upload component refuses such a file without a word (it never reaches
 * the server), so this listens to the same drop and file-chooser events first and hands the
 * file's name and size to the page (the store named by data-report-to), whose callback
 * writes the message. Nothing is read or sent: the open scenario stays as it was. */
(function () {
    "use strict";

    function tooLarge(event) {
        var target = event.target;
        var box = target && target.closest ? target.closest("[data-max-bytes]") : null;
        if (!box || !window.dash_clientside || !window.dash_clientside.set_props) {
            return;
        }
        var files = (event.dataTransfer && event.dataTransfer.files) || target.files;
        var limit = Number(box.getAttribute("data-max-bytes"));
        for (var i = 0; files && i < files.length; i++) {
            if (files[i].size > limit) {
                window.dash_clientside.set_props(box.getAttribute("data-report-to"), {
                    data: {name: files[i].name, size: files[i].size, limit: limit,
                           at: Date.now()}
                });
                return;
            }
        }
    }

    document.addEventListener("drop", tooLarge, true);
    document.addEventListener("change", tooLarge, true);
})();
