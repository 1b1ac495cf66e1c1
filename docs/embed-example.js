// Sizes each Mailroom iframe to the height it reports ({type: "mailroom:height", height}).
// Only a frame of this page, speaking from the origin its src names, may resize itself.
window.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'mailroom:height' || typeof data.height !== 'number') return;
  for (const frame of document.querySelectorAll('iframe')) {
    const origin = new URL(frame.src, window.location.href).origin;
    if (frame.contentWindow === event.source && event.origin === origin) {
      frame.style.height = `${Math.min(Math.ceil(data.height) + 2, 5000)}px`;
    }
  }
});
