// The login page's behaviour: send the push when the person clicks, show the number to tap and a
// countdown, poll /login/status, and go on to the protected site once the push is approved.
// Served as a file from pushgate's own origin, so the page's Content-Security-Policy can forbid
// inline scripts.
'use strict'

;(function () {
  const POLL_INTERVAL_MS = 1500

  const base = document.querySelector('meta[name="pushgate-base"]').content
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content
  const form = document.getElementById('push-form')
  const sendButton = document.getElementById('send')
  const waiting = document.getElementById('waiting')
  const waitingHeading = document.getElementById('waiting-heading')
  const numberIntro = document.getElementById('number-intro')
  const number = document.getElementById('number')
  const countdown = document.getElementById('countdown')
  const cancelButton = document.getElementById('cancel')
  const status = document.getElementById('status')
  const retryButton = document.getElementById('retry')

  let pollTimer
  let countdownTimer
  let expiresAtMs

  function showStatus (message, kind) {
    status.textContent = message
    status.className = 'status' + (kind ? ' ' + kind : '')
  }

  function showForm () {
    stopTimers()
    waiting.hidden = true
    form.hidden = false
    retryButton.hidden = true
    sendButton.disabled = false
  }

  function showWaiting (view) {
    form.hidden = true
    retryButton.hidden = true
    const wasHidden = waiting.hidden
    waiting.hidden = false
    if (typeof view.number === 'number') {
      numberIntro.hidden = false
      number.hidden = false
      number.textContent = String(view.number)
    } else {
      numberIntro.hidden = true
      number.hidden = true
    }
    expiresAtMs = Date.now() + view.secondsLeft * 1000
    updateCountdown()
    showStatus(view.message)
    if (wasHidden) waitingHeading.focus()
  }

  function showFinal (view) {
    stopTimers()
    waiting.hidden = true
    form.hidden = true
    showStatus(view.message, view.state === 'approved' ? 'success' : 'error')
    if (view.state === 'approved') {
      window.location.assign(view.redirect)
      return
    }
    retryButton.hidden = false
    retryButton.focus()
  }

  function updateCountdown () {
    const seconds = Math.max(0, Math.round((expiresAtMs - Date.now()) / 1000))
    const minutes = Math.floor(seconds / 60)
    const rest = String(seconds % 60).padStart(2, '0')
    countdown.textContent = 'The push expires in ' + minutes + ':' + rest
  }

  function stopTimers () {
    clearTimeout(pollTimer)
    clearInterval(countdownTimer)
  }

  function render (view) {
    if (view.state === 'waiting') {
      showWaiting(view)
      clearInterval(countdownTimer)
      countdownTimer = setInterval(updateCountdown, 1000)
      clearTimeout(pollTimer)
      pollTimer = setTimeout(poll, POLL_INTERVAL_MS)
    } else {
      showFinal(view)
    }
  }

  async function call (method, path, body) {
    const headers = { accept: 'application/json', 'x-csrf-token': csrfToken }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const response = await fetch(base + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    let view
    try {
      view = await response.json()
    } catch {
      view = { state: 'failed', message: 'pushgate sent an unexpected response (HTTP ' + response.status + '). Reload the page.' }
    }
    return { ok: response.ok, status: response.status, view }
  }

  async function poll () {
    try {
      const result = await call('GET', '/login/status')
      if (result.status === 409) return showForm()
      if (!result.ok) return showFinal({ state: 'failed', message: result.view.message })
      render(result.view)
    } catch {
      // A network blip: keep the waiting view and try again.
      showStatus('Cannot reach pushgate; still trying…', 'error')
      pollTimer = setTimeout(poll, POLL_INTERVAL_MS * 2)
    }
  }

  form.addEventListener('submit', async function (event) {
    event.preventDefault()
    sendButton.disabled = true
    showStatus('Sending the push…')
    const data = new FormData(form)
    const body = { rd: data.get('rd') }
    if (data.has('login')) body.login = data.get('login')
    try {
      const result = await call('POST', '/login/push', body)
      if (!result.ok) {
        sendButton.disabled = false
        showStatus(result.view.message, 'error')
        return
      }
      render(result.view)
    } catch {
      sendButton.disabled = false
      showStatus('Cannot reach pushgate. Check your connection and try again.', 'error')
    }
  })

  cancelButton.addEventListener('click', async function () {
    cancelButton.disabled = true
    try {
      const result = await call('POST', '/login/cancel')
      if (result.ok) render(result.view)
      else showForm()
    } finally {
      cancelButton.disabled = false
    }
  })

  retryButton.addEventListener('click', function () {
    showForm()
    showStatus('')
    const login = document.getElementById('login')
    ;(login || sendButton).focus()
  })

  // After a reload, pick up a push this browser already sent and is still waiting for. The server
  // marks that with a meta tag, so a fresh page makes no request that is bound to fail.
  if (document.querySelector('meta[name="pushgate-resume"]')) {
    call('GET', '/login/status').then(function (result) {
      if (result.ok && result.view.state === 'waiting') render(result.view)
    }).catch(function () {})
  }
})()
