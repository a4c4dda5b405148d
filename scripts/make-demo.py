#!/usr/bin/env python3
"""Synthesize TermPlayer's demo library, demo/: eight short original instrumentals, one per seeded genre.

Everything is made from code: oscillators, plucked-string models, noise-based drums, envelopes and a
noise-impulse reverb. Nothing is sampled, recorded or copied. Fixed seeds make every run produce the same
audio, so re-running only rewrites the files with the same content.

    python3 scripts/make-demo.py              # rewrite demo/ (about half a minute)
    python3 scripts/make-demo.py --out DIR    # write the bundles somewhere else

Each song becomes a bundle of <id>.mp3 (128 kbps CBR, ID3v2 tags), <id>.jpg (300x300 cover) and
<id>.json ({"title":…,"album":…,"artist":…,"genre":<seeded id>,"year":…}); demo/README.md lists them.

Needs Python 3.8+, numpy, Pillow (for the JPEG covers) and the lame MP3 encoder:
    apt-get install lame python3-numpy python3-pil     (or: pip install numpy pillow)
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

try:
    import numpy as np
except ImportError:
    np = None
try:
    from PIL import Image, ImageDraw, ImageFilter, ImageFont
    from PIL import features as pil_features
except ImportError:
    Image = None

SR = 44100
TAU = 2 * math.pi
CEILING_DB = -1.0  # no track peaks above this (quieter genres sit below it, matched by loudness)
REPO = Path(__file__).resolve().parent.parent


# MARK: - Basics


def samples(seconds):
    return int(round(seconds * SR))


_NOTE_INDEX = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def midi(note):
    """'C#4', 'Bb3', 'E2' or a MIDI number → MIDI number (C4 = 60)."""
    if isinstance(note, (int, float)):
        return note
    letter, rest, accidental = note[0], note[1:], 0
    while rest and rest[0] in "#b":
        accidental += 1 if rest[0] == "#" else -1
        rest = rest[1:]
    return 12 * (int(rest) + 1) + _NOTE_INDEX[letter] + accidental


def hz(note):
    return 440.0 * 2 ** ((midi(note) - 69) / 12)


def fft_len(n):
    return 1 << int(math.ceil(math.log2(max(n, 2))))


def normalized(x):
    peak = np.max(np.abs(x))
    return x / peak if peak > 0 else x


# MARK: - Filters (RBJ biquads, applied through their frequency response)


def biquad(kind, f0, q=0.707, gain_db=0.0):
    f0 = min(f0, SR * 0.45)
    w0 = TAU * f0 / SR
    c, alpha = math.cos(w0), math.sin(w0) / (2 * q)
    if kind == "lp":
        b, a = ((1 - c) / 2, 1 - c, (1 - c) / 2), (1 + alpha, -2 * c, 1 - alpha)
    elif kind == "hp":
        b, a = ((1 + c) / 2, -(1 + c), (1 + c) / 2), (1 + alpha, -2 * c, 1 - alpha)
    elif kind == "bp":
        b, a = (alpha, 0.0, -alpha), (1 + alpha, -2 * c, 1 - alpha)
    elif kind == "hs":  # high shelf, slope 1
        A = 10 ** (gain_db / 40)
        alpha = math.sin(w0) / 2 * math.sqrt(2)
        r = 2 * math.sqrt(A) * alpha
        b = (A * ((A + 1) + (A - 1) * c + r), -2 * A * ((A - 1) + (A + 1) * c), A * ((A + 1) + (A - 1) * c - r))
        a = ((A + 1) - (A - 1) * c + r, 2 * ((A - 1) - (A + 1) * c), (A + 1) - (A - 1) * c - r)
    elif kind == "peak":
        A = 10 ** (gain_db / 40)
        b, a = (1 + alpha * A, -2 * c, 1 - alpha * A), (1 + alpha / A, -2 * c, 1 - alpha / A)
    else:
        raise ValueError(kind)
    return b, a


def filt(x, *stages):
    """Runs x (mono, or stereo shaped (2, n)) through biquad stages; same length out."""
    n = x.shape[-1]
    nfft = fft_len(n + 8192)
    z1 = np.exp(-1j * TAU * np.arange(nfft // 2 + 1) / nfft)
    z2 = z1 * z1
    H = np.ones_like(z1)
    for b, a in stages:
        H *= (b[0] + b[1] * z1 + b[2] * z2) / (a[0] + a[1] * z1 + a[2] * z2)
    return np.fft.irfft(np.fft.rfft(x, nfft) * H, nfft)[..., :n]


def lp(x, f, q=0.707):
    return filt(x, biquad("lp", f, q))


def hp(x, f, q=0.707):
    return filt(x, biquad("hp", f, q))


def bp(x, f, q=0.707):
    return filt(x, biquad("bp", f, q))


# MARK: - Oscillators and envelopes


def phase(freq, n, start=0.0):
    """Phase in cycles (0..1) of an oscillator at freq (a number or a per-sample array)."""
    if np.ndim(freq) == 0:
        return (start + freq * np.arange(n) / SR) % 1.0
    acc = np.concatenate(([0.0], np.cumsum(freq[:-1]))) / SR
    return (start + acc) % 1.0


def _blep(t, dt):
    out = np.zeros_like(t)
    dt = np.broadcast_to(dt, t.shape)
    m = t < dt
    x = t[m] / dt[m]
    out[m] = x + x - x * x - 1
    m = t > 1 - dt
    x = (t[m] - 1) / dt[m]
    out[m] = x * x + x + x + 1
    return out


def saw(freq, n, start=0.0):
    """Band-limited (polyBLEP) sawtooth."""
    t = phase(freq, n, start)
    return 2 * t - 1 - _blep(t, np.asarray(freq, dtype=float) / SR)


def pulse(freq, n, width=0.5, start=0.0):
    return 0.5 * (saw(freq, n, start) - saw(freq, n, (start + width) % 1.0))


def sine(freq, n, start=0.0):
    return np.sin(TAU * phase(freq, n, start))


def adsr(n, gate, a=0.005, d=0.2, s=1.0, r=0.05):
    """Envelope of n samples: attack, decay towards sustain level, linear release from `gate` seconds."""
    t = np.arange(n) / SR
    e = np.where(t < a, t / max(a, 1e-6), s + (1 - s) * np.exp(-(t - a) / max(d, 1e-6)))
    g = samples(gate)
    if g < n:
        e[g:] = e[g] * np.clip(1 - (t[g:] - gate) / max(r, 1e-6), 0, 1)
    return e


def vibrato(freq, n, rate=5.5, depth=0.005, delay=0.2, slide=0.0, slide_time=0.06, phase0=0.0):
    """Per-sample frequency with delayed vibrato and an optional slide from `slide` semitones away."""
    t = np.arange(n) / SR
    ramp = np.clip((t - delay) / 0.25, 0, 1)
    f = freq * (1 + depth * ramp * np.sin(TAU * rate * t + phase0))
    if slide:
        f = f * 2 ** (slide * np.clip(1 - t / slide_time, 0, 1) ** 2 / 12)
    return f


def fade_tail(x, seconds=0.01):
    m = min(samples(seconds), x.shape[-1])
    if m:
        x[..., -m:] *= np.linspace(1, 0, m)
    return x


# MARK: - Instruments


def pluck(freq, dur, rng, bright=0.6, t60=2.0, damp=0.5, pick=0.13):
    """Karplus-Strong plucked string, tuned exactly by resampling the integer-length loop."""
    n = samples(dur)
    P = SR / freq
    Pi = max(2, int(P - damp))
    ratio = (Pi + damp) / P
    L = int(n * ratio) + 2
    g = 10 ** (-3 * (Pi + damp) / (t60 * SR))
    exc = rng.uniform(-1, 1, Pi + 1)
    cutoff = min(freq * (1.5 + 30 * bright ** 2), 12000)
    exc = lp(np.concatenate((exc, np.zeros(64))), cutoff)[: Pi + 1]
    exc = exc - np.roll(exc, max(1, int(pick * Pi)))
    exc = normalized(exc - exc.mean())
    y = np.zeros(max(L, Pi + 1))
    y[: Pi + 1] = exc
    s = Pi + 1
    while s < L:
        e = min(s + Pi, L)
        y[s:e] = g * ((1 - damp) * y[s - Pi : e - Pi] + damp * y[s - Pi - 1 : e - Pi - 1])
        s = e
    out = np.interp(np.arange(n) * ratio, np.arange(len(y)), y)
    out[: samples(0.001)] *= np.linspace(0, 1, samples(0.001))
    return fade_tail(out, 0.015)


def power_chord(root, gate, rng, muted=False, detune=0.0, ring=0.0):
    """A distorted power chord (root, fifth, octave) of plucked strings."""
    total = gate + 0.04 + ring
    x = np.zeros(samples(total))
    for i, m in enumerate((root, root + 7, root + 12)):
        f = hz(m) * 2 ** (detune / 1200)
        s = pluck(f, total, rng, bright=0.5 if muted else 0.85, t60=0.2 if muted else 3.0)
        off = samples(0.002 * i)
        x[off:] += s[: len(x) - off]
    x = np.tanh(4.0 * x)
    return x * adsr(len(x), gate + ring, 0.0005, 1, 1, 0.03)


def lead_guitar(freq, gate, rng, slide=0.0):
    n = samples(gate + 0.08)
    f = vibrato(freq, n, rate=5.8, depth=0.009, delay=0.16, slide=slide, phase0=rng.random() * TAU)
    x = saw(f * 1.003, n, rng.random()) + saw(f * 0.997, n, rng.random())
    x = np.tanh(3.0 * x)
    return x * adsr(n, gate, 0.006, 0.4, 0.75, 0.06)


def synth_bass(freq, gate, rng, cutoff=800, sub=0.7):
    n = samples(gate + 0.05)
    x = lp(saw(freq, n, rng.random()), cutoff, 0.9) * 0.7 + sub * sine(freq, n)
    return np.tanh(1.3 * x * adsr(n, gate, 0.004, 0.25, 0.7, 0.04))


def sub808(freq, gate):
    n = samples(gate + 0.08)
    t = np.arange(n) / SR
    f = freq * (1 + 0.04 * np.exp(-t / 0.03))
    ph = phase(f, n)
    x = np.sin(TAU * ph) + 0.22 * np.sin(2 * TAU * ph)
    x *= np.exp(-t / 1.6) * adsr(n, gate, 0.004, 1, 1, 0.07)
    return np.tanh(1.5 * x)


def upright_bass(freq, gate, rng):
    n = samples(gate + 0.08)
    t = np.arange(n) / SR
    x = pluck(freq, n / SR, rng, bright=0.35, t60=1.2) + 0.35 * np.sin(TAU * freq * t) * np.exp(-t / 0.5)
    x = filt(x, biquad("lp", 2000), biquad("hp", 35))
    return x * adsr(n, gate, 0.003, 5, 1, 0.06)


def glockenspiel(freq, vel=1.0):
    n = samples(3.0)
    t = np.arange(n) / SR
    x = np.zeros(n)
    for ratio, amp, decay in ((1.0, 1.0, 1.1), (2.756, 0.25, 0.3), (5.404, 0.08, 0.1)):
        if freq * ratio < SR * 0.45:
            x += amp * np.sin(TAU * freq * ratio * t) * np.exp(-t / decay)
    return fade_tail(vel * x * np.minimum(1, t / 0.001), 0.4)


def vibraphone(freq, gate, vel=1.0):
    n = samples(gate + 0.2)
    t = np.arange(n) / SR
    x = np.zeros(n)
    for ratio, amp, decay in ((1.0, 1.0, 1.6), (4.0, 0.3, 0.3), (10.0, 0.05, 0.08)):
        if freq * ratio < SR * 0.45:
            x += amp * np.sin(TAU * freq * ratio * t) * np.exp(-t / decay)
    tremolo = 1 - 0.28 * (0.5 + 0.5 * np.sin(TAU * 5.2 * t))
    return vel * x * tremolo * adsr(n, gate, 0.001, 5, 1, 0.18)


def bell(freq, vel=1.0):
    n = samples(3.5)
    t = np.arange(n) / SR
    x = np.zeros(n)
    for ratio, amp, decay in ((1.0, 1.0, 2.6), (2.01, 0.3, 1.4), (3.98, 0.12, 0.7), (5.43, 0.05, 0.35)):
        if freq * ratio < SR * 0.45:
            x += amp * np.sin(TAU * freq * ratio * t) * np.exp(-t / decay)
    return fade_tail(vel * x * np.minimum(1, t / 0.002), 0.3)


def epiano(freq, gate, vel=0.8, wow_phase=None):
    """FM electric piano; wow_phase (seconds) adds a slow tape-like pitch drift in time with the song."""
    n = samples(gate + 0.25)
    t = np.arange(n) / SR
    f = freq * np.ones(n)
    if wow_phase is not None:
        f *= 1 + 0.0022 * np.sin(TAU * 0.55 * (t + wow_phase))
    ph = phase(f, n)
    index = (0.4 + 1.4 * vel) * np.exp(-t / 0.45) + 0.2
    body = np.sin(TAU * ph + index * np.sin(TAU * ph))
    tine = 0.25 * vel * np.sin(TAU * 4 * ph) * np.exp(-t / 0.06)
    x = (body + tine) * np.exp(-t / 2.2) * adsr(n, gate, 0.002, 5, 1, 0.2)
    return vel * x


def piano(freq, gate, vel=0.8, rng=None):
    n = samples(gate + 0.3)
    t = np.arange(n) / SR
    x = np.zeros(n)
    for k in range(1, 24):
        fk = k * freq * math.sqrt(1 + 0.0004 * k * k)
        if fk > 14000:
            break
        amp = k ** -1.1 * math.exp(-(k - 1) * (0.55 - 0.35 * vel))
        decay = 2.8 / (1 + 0.35 * k) * (261.6 / freq) ** 0.3
        x += amp * np.sin(TAU * fk * t + k) * np.exp(-t / decay)
    if rng is not None:
        x += 0.04 * vel * lp(rng.uniform(-1, 1, n), 3000) * np.exp(-t / 0.006)
    return vel * x * adsr(n, gate, 0.002, 5, 1, 0.12)


def strings(freq, gate, rng, vel=1.0, attack=0.15, release=0.35, depth=0.0045, bright=6.0, body=2800):
    n = samples(gate + release)
    f = vibrato(freq, n, rate=5.4 * rng.uniform(0.95, 1.05), depth=depth, delay=0.15, phase0=rng.random() * TAU)
    x = sum(saw(f * 2 ** (c / 1200), n, rng.random()) for c in (-6, 0, 5)) / 3
    x = filt(x, biquad("lp", min(freq * bright, 7000), 0.6), biquad("lp", 9000),
             biquad("peak", body, 1.2, 3.0), biquad("hp", freq * 0.6))
    x += 0.02 * bp(rng.uniform(-1, 1, n), min(freq * 4, 8000), 2.0)
    return vel * x * adsr(n, gate, attack, 0.5, 0.9, release)


def fiddle(freq, gate, rng, vel=1.0, slide=0.0):
    n = samples(gate + 0.12)
    f = vibrato(freq, n, rate=6.0, depth=0.006, delay=0.12, slide=slide, slide_time=0.08, phase0=rng.random() * TAU)
    x = 0.7 * saw(f, n, rng.random()) + 0.3 * saw(f * 1.002, n, rng.random())
    x = filt(x, biquad("hp", 250), biquad("peak", 2700, 1.4, 6), biquad("peak", 600, 1.0, 3), biquad("lp", 6500))
    x += 0.03 * bp(rng.uniform(-1, 1, n), 3000, 1.0)
    return vel * x * adsr(n, gate, 0.045, 0.3, 0.85, 0.1)


def flute(freq, gate, rng, vel=1.0):
    n = samples(gate + 0.15)
    ph = phase(vibrato(freq, n, rate=5.0, depth=0.004, delay=0.22, phase0=rng.random() * TAU), n)
    x = np.sin(TAU * ph) + 0.18 * np.sin(2 * TAU * ph) + 0.06 * np.sin(3 * TAU * ph)
    x += 0.08 * bp(rng.uniform(-1, 1, n), min(freq * 2, 8000), 1.5)
    return vel * x * adsr(n, gate, 0.06, 0.3, 0.85, 0.14)


def supersaw(freq, gate, rng, cutoff=2600):
    n = samples(gate + 0.2)
    x = sum(saw(freq * 2 ** (c / 1200), n, rng.random()) for c in (-14, -7, 0, 7, 14)) / 5
    return lp(x, cutoff, 0.8) * adsr(n, gate, 0.012, 0.4, 0.75, 0.18)


def pluck_synth(freq, gate, rng):
    n = samples(gate + 0.1)
    x = pulse(freq, n, 0.32, rng.random()) + 0.3 * saw(freq * 1.004, n, rng.random())
    bright = lp(x, 5200) * adsr(n, gate, 0.002, 0.09, 0.0, 0.08)
    soft = lp(x, 1400) * adsr(n, gate, 0.002, 0.25, 0.45, 0.08)
    return bright + soft


def pad(freq, gate, rng, cutoff=1100, attack=1.6, release=2.2):
    n = samples(gate + release)
    x = sum(saw(freq * 2 ** (c / 1200), n, rng.random()) for c in (-9, -3, 3, 9)) / 4
    x = lp(x, cutoff, 0.7) + 0.15 * sine(freq * 2, n, rng.random())
    e = adsr(n, gate, attack, 1, 1, release)
    return x * np.sin(e * math.pi / 2) ** 2


# MARK: - Drums


METAL = (205.3, 304.4, 369.6, 522.7, 540.0, 800.0)


def kick(rng, dur=0.45, lo=50, hi=160, decay=0.2, click=0.3, drive=1.6):
    n = samples(dur)
    t = np.arange(n) / SR
    f = lo + (hi - lo) * np.exp(-t / 0.035)
    body = np.sin(TAU * np.cumsum(f) / SR) * np.exp(-t / decay)
    c = lp(rng.uniform(-1, 1, n) * np.exp(-t / 0.003), 5000) * click
    x = np.tanh(drive * (body + c)) / math.tanh(drive)
    return fade_tail(x * np.minimum(1, t / 0.0008))


def snare(rng, dur=0.4, tone=185, decay=0.13, body=0.6, bright=7000):
    n = samples(dur)
    t = np.arange(n) / SR
    shell = (np.sin(TAU * tone * t) + 0.5 * np.sin(TAU * tone * 1.78 * t)) * np.exp(-t / 0.05)
    wires = filt(rng.uniform(-1, 1, n), biquad("hp", 1200), biquad("lp", bright)) * np.exp(-t / decay)
    x = np.tanh(1.5 * (body * shell / 1.5 + 2.0 * wires))
    return fade_tail(normalized(x) * np.minimum(1, t / 0.0005))


def hat(rng, decay=0.04, dur=None, tone=8000):
    n = samples(dur or decay * 6)
    t = np.arange(n) / SR
    m = sum(pulse(f * 2.4, n, 0.5, rng.random()) for f in METAL) / 6
    x = filt(0.6 * rng.uniform(-1, 1, n) + 0.4 * m, biquad("hp", tone * 0.85), biquad("peak", tone * 1.3, 1.0, 5))
    return fade_tail(normalized(x * np.exp(-t / decay) * np.minimum(1, t / 0.0005)))


def cymbal(rng, decay=1.0, dur=None, pitch=1.0, cutoff=4500, shimmer=0.8):
    n = samples(dur or decay * 4)
    t = np.arange(n) / SR
    m = sum(pulse(f * pitch, n, 0.5, rng.random()) for f in METAL) / 6
    x = hp(shimmer * rng.uniform(-1, 1, n) + m, cutoff)
    return fade_tail(normalized(x * np.exp(-t / decay) * np.minimum(1, t / 0.001)), 0.1)


def ride(rng):
    n = samples(1.8)
    t = np.arange(n) / SR
    x = cymbal(rng, decay=0.7, dur=1.8, pitch=1.7, cutoff=4000, shimmer=0.35)
    ping = (np.sin(TAU * 3150 * t) + 0.6 * np.sin(TAU * 5170 * t)) * np.exp(-t / 0.3)
    return normalized(x + 0.25 * ping * np.minimum(1, t / 0.001))


def clap(rng, dur=0.35):
    n = samples(dur)
    t = np.arange(n) / SR
    x = filt(rng.uniform(-1, 1, n), biquad("bp", 1300, 0.9), biquad("hp", 500))
    env = sum(np.where(t >= d, np.exp(-(t - d) / 0.007), 0) for d in (0.0, 0.010, 0.021))
    env += 0.6 * np.where(t >= 0.03, np.exp(-(t - 0.03) / 0.09), 0)
    return fade_tail(normalized(x * env * np.minimum(1, t / 0.0005)))


def shaker(rng, decay=0.035, tone=9000):
    n = samples(decay * 6 + 0.01)
    t = np.arange(n) / SR
    x = bp(rng.uniform(-1, 1, n), tone, 0.9) * np.minimum(1, t / 0.006) * np.exp(-t / decay)
    return fade_tail(normalized(x))


def tambourine(rng):
    n = samples(0.35)
    t = np.arange(n) / SR
    jingles = sum(np.sin(TAU * f * t + rng.random() * TAU) for f in (6150, 7700, 9300, 11100))
    x = hp(rng.uniform(-1, 1, n), 6500) + 0.3 * jingles
    return fade_tail(normalized(x * np.exp(-t / 0.09) * np.minimum(1, t / 0.002)))


def brush(rng, decay=0.07, attack=0.012):
    n = samples(decay * 6 + attack)
    t = np.arange(n) / SR
    x = filt(rng.uniform(-1, 1, n), biquad("bp", 3500, 0.5), biquad("lp", 9000))
    env = np.minimum(1, t / attack) * np.exp(-np.maximum(t - attack, 0) / decay)
    return fade_tail(normalized(x * env))


def tom(rng, f0, decay=0.25):
    n = samples(decay * 4)
    t = np.arange(n) / SR
    f = f0 * (1 + 0.5 * np.exp(-t / 0.02))
    x = np.sin(TAU * np.cumsum(f) / SR) * np.exp(-t / decay)
    x += 0.2 * lp(rng.uniform(-1, 1, n), 4000) * np.exp(-t / 0.02)
    return fade_tail(normalized(np.tanh(1.5 * x) * np.minimum(1, t / 0.0005)))


def crackle(rng, dur, rate=9.0):
    n = samples(dur)
    x = np.zeros(n)
    click = np.exp(-np.arange(48) / 6.0)
    for p, a in zip(rng.integers(0, n - 48, int(rate * dur)), rng.uniform(-1, 1, int(rate * dur))):
        x[p : p + 48] += a * abs(a) * click
    return hp(x, 1200) + 0.02 * lp(rng.uniform(-1, 1, n), 3500)


# MARK: - Mixing and mastering


class Mix:
    """A stereo bus: dry signal plus a send to the reverb."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.n = samples(seconds)
        self.dry = np.zeros((2, self.n))
        self.wet = np.zeros((2, self.n))

    def add(self, x, at, gain=1.0, pan=0.0, verb=0.0):
        x = np.asarray(x, dtype=float)
        if x.ndim == 1:
            angle = (pan + 1) * math.pi / 4  # constant power; centre is unity in each channel
            x = np.stack((math.cos(angle) * x, math.sin(angle) * x)) * math.sqrt(2)
        start = samples(at)
        if start < 0:
            x, start = x[:, -start:], 0
        m = min(x.shape[1], self.n - start)
        if m <= 0:
            return
        self.dry[:, start : start + m] += gain * x[:, :m]
        if verb:
            self.wet[:, start : start + m] += verb * gain * x[:, :m]

    def absorb(self, bus, gain=1.0, process=None, shape=None):
        dry, wet = bus.dry, bus.wet
        if process is not None:
            dry, wet = process(dry), process(wet)
        if shape is not None:
            dry, wet = dry * shape, wet * shape
        self.dry += gain * dry
        self.wet += gain * wet


def reverb(x, rng, rt60, predelay=0.02, tone=6000):
    """Convolution with decaying noise whose tail darkens; each channel gets its own impulse."""
    n_ir = samples(min(rt60 * 1.3, 6.0))
    t = np.arange(n_ir) / SR
    env = np.exp(-6.91 * t / rt60) * np.minimum(1, t / 0.01)
    pre = samples(predelay)
    nfft = fft_len(x.shape[1] + n_ir + pre)
    out = np.zeros_like(x)
    for ch in range(2):
        noise = rng.standard_normal(n_ir)
        darken = np.exp(-t / (rt60 * 0.3))
        ir = (lp(noise, tone) * darken + lp(noise, tone / 4) * (1 - darken)) * env
        ir = np.concatenate((np.zeros(pre), ir / np.sqrt(np.sum(ir ** 2))))
        out[ch] = np.fft.irfft(np.fft.rfft(x[ch], nfft) * np.fft.rfft(ir, nfft), nfft)[: x.shape[1]]
    return out


def sliding_max(x, w):
    """out[i] = max(x[i : i + w]) (van Herk / Gil-Werman)."""
    n = len(x)
    xp = np.concatenate((x, np.full((-n) % w + w, -np.inf)))
    blocks = xp.reshape(-1, w)
    prefix = np.maximum.accumulate(blocks, axis=1).ravel()
    suffix = np.maximum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.maximum(suffix[:n], prefix[w - 1 : w - 1 + n])


def limit(x, ceiling, window=0.02):
    """A look-ahead peak limiter: smooth gain that keeps |x| <= ceiling. Returns (y, max reduction dB)."""
    need = np.maximum(1.0, np.max(np.abs(x), axis=0) / ceiling)
    if need.max() <= 1.0:
        return x, 0.0
    w = samples(window)
    held = sliding_max(np.concatenate((np.ones(w), need)), 2 * w + 1)[: len(need)]
    gain = 1 / held
    half = w // 2
    c = np.cumsum(np.concatenate((np.ones(half + 1), gain, np.ones(half))))
    smooth = (c[w:] - c[:-w])[: len(gain)] / w
    y = np.clip(x * smooth, -ceiling, ceiling)
    return y, -20 * math.log10(smooth.min())


def loudness(x):
    """Integrated loudness in LUFS, after ITU-R BS.1770 (K-weighting, 400 ms blocks, both gates)."""
    k = filt(x, biquad("hs", 1500, 0.707, 4.0), biquad("hp", 38, 0.5))
    power = np.concatenate(([0.0], np.cumsum(np.sum(k ** 2, axis=0))))
    block, step = samples(0.4), samples(0.1)
    starts = np.arange(0, k.shape[1] - block + 1, step)
    ms = (power[starts + block] - power[starts]) / block
    lufs = -0.691 + 10 * np.log10(ms + 1e-20)
    gated = ms[lufs > -70]
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10
    return -0.691 + 10 * np.log10(gated[-0.691 + 10 * np.log10(gated) > relative].mean())


def master(mix, rng, rt60, target_lufs=-16.0, fade_out=1.0, fade_in=0.015, predelay=0.02):
    """Reverb, DC/rumble filter, loudness to the target, peaks limited to CEILING_DB, fades.

    A song whose peaks stay below the ceiling is raised by up to 2 dB more, towards the ceiling."""
    out = mix.dry + reverb(mix.wet, rng, rt60, predelay)
    out = hp(out, 30)
    out *= 10 ** ((target_lufs - loudness(out)) / 20)
    ceiling = 10 ** (CEILING_DB / 20)
    out, reduction = limit(out, ceiling)
    out *= min(ceiling / np.max(np.abs(out)), 10 ** (2 / 20))
    fi, fo = samples(fade_in), samples(fade_out)
    out[:, :fi] *= np.linspace(0, 1, fi)
    out[:, -fo:] *= np.cos(np.linspace(0, math.pi / 2, fo)) ** 2
    return out, reduction


def humanize(rng, ms=4.0):
    return rng.uniform(-ms, ms) / 1000


# MARK: - The songs
#
# Each returns (Mix, reverb time, loudness target in LUFS, fade-out seconds). Notes are written as
# (note, start beat, length in beats) within a bar.


def song_rock(rng):
    """E minor, 140 bpm: double-tracked palm-muted riff, then a G-D-C-D chorus with a lead line."""
    bpm = 140
    beat = 60 / bpm
    bar, e8 = 4 * beat, beat / 2
    mix = Mix(10 * bar + 2.9)
    guitars, lead, drums = Mix(mix.seconds), Mix(mix.seconds), Mix(mix.seconds)
    E, G, A, C, D = 40, 43, 45, 48, 50
    m, o = True, False
    riffs = {
        "A": [(E, 0, 1, o), (E, 1, 1, m), (E, 2, 1, m), (E, 3, 1, m), (E, 4, 1, m), (E, 5, 1, m), (G, 6, 1, o), (A, 7, 1, o)],
        "B": [(C, 0, 3, o), (C, 3, 1, m), (D, 4, 3, o), (D, 7, 1, m)],
        "C": [(G, 0, 2, o), (G, 2, 2, o), (D, 4, 2, o), (D, 6, 2, o)],
        "D": [(C, 0, 2, o), (C, 2, 2, o), (D, 4, 2, o), (D, 6, 1, o), (D, 7, 1, m)],
    }
    form = "ABABABCDCD"
    for b, name in enumerate(form):
        for root, start, length, muted in riffs[name]:
            t = b * bar + start * e8
            for pan, detune, delay in ((-0.8, -4, 0.0), (0.8, 4, 0.007)):
                chord = power_chord(root, length * e8 * (0.85 if muted else 0.97), rng, muted, detune)
                guitars.add(chord, t + delay + humanize(rng, 2), 0.5 if muted else 0.6, pan, 0.06)
            if b >= 2:
                for k in range(length):
                    note = root - 12
                    mix.add(synth_bass(hz(note), e8 * 0.85, rng, 700), t + k * e8, 0.7, 0, 0.0)
    end = 10 * bar
    for pan, detune, delay in ((-0.8, -4, 0.0), (0.8, 4, 0.01)):
        guitars.add(power_chord(E, 2.4, rng, False, detune), end + delay, 0.6, pan, 0.1)
    mix.add(synth_bass(hz(E - 12), 2.3, rng, 700), end, 0.7)

    # Lead over the chorus, resolving on the last hit.
    phrases = {
        6: [("B4", 0, 1), ("D5", 1, 0.5), ("E5", 1.5, 0.5), ("G5", 2, 2)],
        7: [("F#5", 0, 1), ("E5", 1, 1), ("D5", 2, 1.5), ("B4", 3.5, 0.5)],
        8: [("E5", 0, 0.5), ("G5", 0.5, 0.5), ("E5", 1, 0.5), ("D5", 1.5, 0.5), ("C5", 2, 1.5), ("A4", 3.5, 0.5)],
        9: [("B4", 0, 2), ("D5", 2, 1), ("F#5", 3, 1)],
        10: [("E5", 0, 5)],
    }
    for b, notes in phrases.items():
        for note, start, length in notes:
            slide = -1.0 if length >= 1.5 else 0.0
            lead.add(lead_guitar(hz(note), length * beat * 0.95, rng, slide), b * bar + start * beat, 0.3, 0.1, 0.3)

    # Drums: pickup fill into bar 2, verse groove, chorus on open hats, tom fill, final crash.
    k, s = [kick(rng) for _ in range(2)], [snare(rng) for _ in range(3)]
    hats = [hat(rng, 0.035) for _ in range(4)]
    open_hat = [hat(rng, 0.16, 0.5) for _ in range(2)]
    crash = cymbal(rng, 1.1)
    for i in range(4):
        drums.add(s[i % 3], 1 * bar + 3 * beat + i * beat / 4, 0.35 + 0.15 * i, 0.05, 0.2)
    for b in range(2, 10):
        chorus = b >= 6
        if b in (2, 6):
            drums.add(crash, b * bar, 0.45, -0.35, 0.15)
        for i in range(8):
            t = b * bar + i * e8 + humanize(rng, 3)
            if i in (0, 4, 5) or (chorus and i == 3):
                drums.add(k[i % 2], t, 1.0)
            if i in (2, 6):
                drums.add(s[rng.integers(3)], t, 0.85, 0.05, 0.22)
            fill = b == 9 and i >= 6
            if not fill:
                if chorus:
                    drums.add(open_hat[i % 2], t, 0.3 if i % 2 else 0.4, 0.3, 0.05)
                else:
                    drums.add(hats[i % 4], t, 0.3 if i % 2 else 0.45, 0.3, 0.05)
        if b == 5:
            for i in range(4):
                drums.add(s[i % 3], b * bar + 3 * beat + i * beat / 4, 0.4 + 0.12 * i, 0.05, 0.2)
    for i, f in enumerate((210, 170, 130, 100)):
        drums.add(tom(rng, f), 9 * bar + 3 * beat + i * beat / 4, 0.5, 0.4 - 0.25 * i, 0.15)
    drums.add(crash, end, 0.55, -0.35, 0.2)
    drums.add(cymbal(rng, 1.3), end, 0.35, 0.4, 0.2)
    drums.add(k[0], end, 1.0)

    mix.absorb(guitars, 1.0, lambda x: filt(x, biquad("hp", 90), biquad("lp", 4300, 0.8), biquad("lp", 5500), biquad("peak", 1800, 1.0, 2)))
    mix.absorb(lead, 1.0, lambda x: filt(x, biquad("hp", 200), biquad("lp", 4800, 0.8), biquad("peak", 2400, 1.0, 3)))
    mix.absorb(drums, 1.5, lambda x: np.tanh(1.2 * x) / 1.2)
    return mix, 1.4, -15.0, 1.6


def song_indie(rng):
    """D major, 118 bpm: jangling let-ring arpeggios with an octave 12-string double, glockenspiel tune."""
    bpm = 118
    beat = 60 / bpm
    bar, e8 = 4 * beat, beat / 2
    mix = Mix(8 * bar + 3.2)
    shapes = {
        "D": [50, 57, 64, 66, 69],
        "Bm": [47, 54, 57, 62, 66],
        "G": [43, 50, 54, 59, 62],
        "Asus": [45, 52, 57, 62, 64],
        "A": [45, 52, 57, 61, 64],
    }
    progression = ["D", "Bm", "G", "A", "D", "Bm", "G", "A"]
    roots = {"D": 38, "Bm": 35, "G": 31, "A": 33}
    pattern = [0, 2, 4, 3, 1, 2, 4, 3]
    for b, name in enumerate(progression):
        for i, idx in enumerate(pattern):
            shape = shapes["Asus" if name == "A" and i < 4 else name]
            t = b * bar + i * e8 + humanize(rng, 3)
            vel = 0.5 if i % 2 else 0.62
            note = shape[idx]
            mix.add(pluck(hz(note), 1.6, rng, bright=0.8, t60=1.6), t, vel * 1.5, -0.45, 0.2)
            mix.add(pluck(hz(note + 12) * 1.002, 1.2, rng, bright=0.9, t60=1.0), t + 0.009, vel * 0.55, 0.5, 0.25)
        if b >= 1:
            r = roots[name]
            for i, step in enumerate([0, 0, 0, 0, 0, 0, 7, 0]):
                mix.add(synth_bass(hz(r + step), e8 * 0.8, rng, 900, 0.35), b * bar + i * e8, 0.45, 0, 0.0)
    end = 8 * bar
    for i, note in enumerate([50, 57, 64, 66, 69, 74]):
        mix.add(pluck(hz(note), 3.0, rng, bright=0.8, t60=2.5), end + i * 0.03, 0.45, -0.3 + 0.12 * i, 0.3)
    mix.add(synth_bass(hz(38), 2.4, rng, 900, 0.35), end, 0.45)

    melody = {
        2: [("D5", 0, 1), ("F#5", 1, 1), ("A5", 2, 2)],
        3: [("E5", 0, 1), ("C#5", 1, 1), ("A4", 2, 2)],
        4: [("A5", 0, 1), ("F#5", 1, 0.5), ("E5", 1.5, 0.5), ("D5", 2, 1), ("E5", 3, 1)],
        5: [("F#5", 0, 1.5), ("D5", 1.5, 0.5), ("B4", 2, 2)],
        6: [("D5", 0, 0.5), ("E5", 0.5, 0.5), ("F#5", 1, 1), ("A5", 2, 1), ("G5", 3, 0.5), ("F#5", 3.5, 0.5)],
        7: [("E5", 0, 1.5), ("C#5", 1.5, 0.5), ("A4", 2, 1), ("E5", 3, 1)],
        8: [("D5", 0, 4), ("A5", 0, 4)],
    }
    for b, notes in melody.items():
        for note, start, _ in notes:
            mix.add(glockenspiel(hz(note), 0.9), b * bar + start * beat, 0.28, 0.25, 0.35)

    k, s = kick(rng, lo=58, decay=0.15), snare(rng, tone=200, decay=0.11)
    hats = [hat(rng, 0.06, 0.4) for _ in range(2)]
    tamb, shk = tambourine(rng), [shaker(rng) for _ in range(2)]
    drums = Mix(mix.seconds)
    drums.add(cymbal(rng, 1.2), 1 * bar, 0.35, 0.4, 0.15)
    for b in range(1, 8):
        for i in range(8):
            t = b * bar + i * e8 + humanize(rng, 3)
            if i in (0, 3, 4):
                drums.add(k, t, 0.5)
            if i in (2, 6):
                drums.add(s, t, 0.45, 0.0, 0.25)
                drums.add(tamb, t, 0.25, -0.5, 0.2)
            drums.add(hats[i % 2], t, 0.2 if i % 2 else 0.28, 0.35, 0.05)
        for i in range(16):
            drums.add(shk[i % 2], b * bar + i * beat / 4 + humanize(rng, 2), 0.1 if i % 2 else 0.14, -0.6, 0.05)
    drums.add(k, end, 0.5)
    drums.add(cymbal(rng, 1.4), end, 0.35, 0.4, 0.2)
    mix.absorb(drums)
    return mix, 1.8, -16.0, 1.8


def song_pop(rng):
    """C major, 120 bpm: I-V-vi-IV on a pumping supersaw pad, four-on-the-floor, plucked hook with echoes."""
    bpm = 120
    beat = 60 / bpm
    bar = 4 * beat
    mix = Mix(8 * bar + 2.6)
    chords = {"C": [60, 64, 67, 72], "G": [59, 62, 67, 71], "Am": [60, 64, 69, 72], "F": [60, 65, 69, 72]}
    roots = {"C": 36, "G": 31, "Am": 33, "F": 29}
    progression = ["C", "G", "Am", "F"] * 2
    synths = Mix(mix.seconds)
    for b, name in enumerate(progression + ["C"]):
        gate = 1.6 if b == 8 else bar - 0.05
        for j, note in enumerate(chords[name]):
            synths.add(supersaw(hz(note), gate, rng, 4200), b * bar, 0.34, -0.45 + 0.3 * j, 0.25)
        if b >= 1:
            r = roots[name]
            pattern = [0, 0, 12, 0, 0, 0, 12, 0] if b < 8 else [0]
            for i, step in enumerate(pattern):
                gate_b = beat * 0.45 if b < 8 else 1.6
                synths.add(synth_bass(hz(r + step), gate_b, rng, 1000, 0.5), b * bar + i * beat / 2, 0.45, 0.0)
    # Sidechain: the pad and bass duck under every kick.
    kicks = [b * bar + i * beat for b in range(1, 8) for i in range(4)] + [8 * bar]
    t = np.arange(mix.n) / SR
    shape = np.ones(mix.n)
    for k_time in kicks:
        i = samples(k_time)
        seg = t[i : i + samples(beat)] - k_time
        shape[i : i + len(seg)] = 1 - 0.55 * np.minimum(1, seg / 0.004) * np.exp(-seg / 0.12)
    mix.absorb(synths, 1.0, shape=shape)

    hook = [
        [("G4", 0, 1), ("C5", 1, 1), ("E5", 2, 0.5), ("D5", 2.5, 0.5), ("C5", 3, 1)],
        [("B4", 0, 1), ("D5", 1, 1), ("G5", 2, 1), ("F5", 3, 0.5), ("E5", 3.5, 0.5)],
        [("E5", 0, 1), ("C5", 1, 1), ("A4", 2, 1), ("C5", 3, 0.5), ("E5", 3.5, 0.5)],
        [("F5", 0, 1.5), ("E5", 1.5, 0.5), ("D5", 2, 1), ("C5", 3, 0.5), ("D5", 3.5, 0.5)],
    ]
    ending = [("A5", 0, 1), ("G5", 1, 1), ("E5", 2, 1), ("D5", 3, 1)]
    lead = Mix(mix.seconds)
    for b in range(8):
        notes = ending if b == 7 else hook[b % 4]
        for note, start, length in notes:
            x = pluck_synth(hz(note), length * beat * 0.9, rng)
            at = b * bar + start * beat
            lead.add(x, at, 0.4, 0.0, 0.25)
            lead.add(pluck_synth(hz(note) * 2, length * beat * 0.9, rng), at, 0.1, 0.0, 0.2)
            lead.add(x, at + 0.75 * beat, 0.15, -0.6, 0.3)
            lead.add(x, at + 1.5 * beat, 0.08, 0.6, 0.3)
    lead.add(pluck_synth(hz("C5"), 1.5, rng), 8 * bar, 0.4, 0.0, 0.3)
    mix.absorb(lead)

    k = kick(rng, lo=48, hi=170, decay=0.22)
    cl, hats = clap(rng), [hat(rng, 0.03) for _ in range(4)]
    open_hat, crash = hat(rng, 0.12, 0.45), cymbal(rng, 1.3)
    drums = Mix(mix.seconds)
    for b in range(8):
        for i in range(16):
            t = b * bar + i * beat / 4
            if b >= 1:
                if i % 4 == 0:
                    drums.add(k, t, 0.5)
                if i in (4, 12):
                    drums.add(cl, t, 1.0, 0.0, 0.25)
                if i % 4 == 2:
                    drums.add(open_hat, t, 0.28, 0.25, 0.05)
                else:
                    drums.add(hats[i % 4], t, 0.14 + 0.08 * (i % 2 == 0), -0.25, 0.03)
            elif i % 2 == 0:
                drums.add(hats[i % 4], t, 0.16, -0.25, 0.05)
        if b in (1, 5):
            drums.add(crash, b * bar, 0.35, 0.35, 0.15)
    for i in range(4):
        drums.add(cl, 4 * bar + 3 * beat + i * beat / 4 - bar, 0.25 + 0.1 * i, 0.0, 0.2)
    drums.add(k, 8 * bar, 0.5)
    drums.add(crash, 8 * bar, 0.4, 0.35, 0.2)
    mix.absorb(drums)
    return mix, 1.6, -15.0, 1.5


def song_hiphop(rng):
    """A minor, 92 bpm: swung boom-bap, lo-fi electric piano on Am9-Fmaj7-Dm9-E7#9, 808 sub, flute line."""
    bpm = 92
    beat = 60 / bpm
    bar = 4 * beat
    swing = 0.6  # the off 16th of each eighth lands 60% of the way through it

    def pos(sixteenth):
        eighth, odd = divmod(sixteenth, 2)
        return (eighth + (swing if odd else 0)) * beat / 2

    mix = Mix(8 * bar + 2.6)
    voicings = {"Am9": [55, 60, 64, 71], "Fmaj7": [57, 60, 64, 67], "Dm9": [53, 57, 60, 64], "E7#9": [56, 59, 62, 67]}
    roots = {"Am9": 33, "Fmaj7": 29, "Dm9": 38, "E7#9": 40}
    progression = ["Am9", "Fmaj7", "Dm9", "E7#9"] * 2
    keys = Mix(mix.seconds)
    for b, name in enumerate(progression + ["Am9"]):
        hits = [(0, 1.5, 0.75), (7, 0.45, 0.55), (10, 1.3, 0.6)] if b < 8 else [(0, 3.0, 0.75)]
        for six, length, vel in hits:
            at = b * bar + pos(six) + humanize(rng, 6)
            for j, note in enumerate(voicings[name]):
                keys.add(epiano(hz(note), length * beat, vel * rng.uniform(0.9, 1.0), wow_phase=at), at + j * 0.008, 0.28, 0.2 * (j - 1.5), 0.2)
    mix.absorb(keys, 1.0, lambda x: filt(x, biquad("lp", 5000, 0.7), biquad("hp", 120)))

    k = [kick(rng, dur=0.55, lo=52, hi=140, decay=0.26, click=0.15) for _ in range(2)]
    s = [snare(rng, tone=175, decay=0.17, body=0.8, bright=6000) for _ in range(2)]
    hats = [hat(rng, 0.03, tone=7000) for _ in range(4)]
    drums, bass = Mix(mix.seconds), Mix(mix.seconds)
    for b in range(1, 8):
        name = progression[b]
        kick_steps = [0, 7, 10] + ([14] if b % 4 == 3 else [])
        for j, six in enumerate(kick_steps):
            at = b * bar + pos(six)
            drums.add(k[j % 2], at, 1.0)
            nxt = kick_steps[j + 1] if j + 1 < len(kick_steps) else 16
            bass.add(sub808(hz(roots[name]), pos(nxt) - pos(six) - 0.03), at, 0.45)
        for six in (4, 12):
            drums.add(s[six // 8], b * bar + pos(six) + 0.01, 0.8, 0.05, 0.25)
        for six in range(16):
            if six % 2 == 0 or six in (7, 15):
                vel = 0.6 if six % 4 == 0 else (0.4 if six % 2 == 0 else 0.25)
                drums.add(hats[six % 4], b * bar + pos(six) + humanize(rng, 4), vel, 0.3, 0.03)
    drums.add(k[0], 8 * bar, 1.0)
    bass.add(sub808(hz(33), 2.2), 8 * bar, 0.45)
    mix.absorb(drums, 1.0, lambda x: np.tanh(1.4 * lp(x, 9000)) / 1.4)
    mix.absorb(bass, 1.0, lambda x: lp(x, 400))

    melody = {
        4: [("E5", 0, 1.5), ("D5", 1.5, 0.5), ("C5", 2, 1), ("A4", 3, 1)],
        5: [("C5", 0, 1.5), ("A4", 1.5, 0.5), ("G4", 2, 2)],
        6: [("A4", 0, 1), ("C5", 1, 1), ("D5", 2, 1.5), ("F5", 3.5, 0.5)],
        7: [("E5", 0, 2), ("D5", 2, 0.5), ("B4", 2.5, 0.5), ("G#4", 3, 1)],
        8: [("A4", 0, 3)],
    }
    for b, notes in melody.items():
        for note, start, length in notes:
            mix.add(flute(hz(note), length * beat * 0.95, rng, 0.9), b * bar + start * beat + 0.02, 0.22, -0.2, 0.35)
    mix.add(crackle(rng, mix.seconds), 0, 0.5, 0.0)
    mix.dry = lp(mix.dry, 12000)
    return mix, 1.3, -16.0, 1.5


def song_jazz(rng):
    """12-bar blues in F, swung at 150 bpm: walking bass, ride and hi-hat, rootless piano comping, vibes riff."""
    bpm = 150
    beat = 60 / bpm
    bar = 4 * beat
    S = 2 / 3  # swung eighth
    mix = Mix(13 * bar + 2.6)
    form = [["F7"], ["Bb7"], ["F7"], ["Cm7", "F7"], ["Bb7"], ["Bdim7"], ["F7"], ["D7"],
            ["Gm7"], ["C7"], ["F7", "D7"], ["Gm7", "C7"]]
    pcs = {"C": 0, "Db": 1, "D": 2, "Eb": 3, "E": 4, "F": 5, "Gb": 6, "G": 7, "Ab": 8, "A": 9, "Bb": 10, "B": 11}

    def parse(symbol):
        for q in ("dim7", "m7", "maj7", "7"):
            if symbol.endswith(q):
                return pcs[symbol[: -len(q)]], q
        raise ValueError(symbol)

    tones = {"7": [0, 4, 7, 10], "m7": [0, 3, 7, 10], "dim7": [0, 3, 6, 9], "maj7": [0, 4, 7, 11]}
    rootless = {"7": ([4, 9, 10, 14], [10, 14, 16, 21]), "m7": ([3, 7, 10, 14], [10, 14, 15, 19]),
                "dim7": ([0, 3, 6, 9], [3, 6, 9, 12]), "maj7": ([4, 7, 11, 14], [11, 14, 16, 19])}

    # One chord per beat; walking bass: root, chord tones, chromatic approach into the next root.
    beats = []
    for chords in form:
        for c in chords:
            beats += [c] * (4 // len(chords))
    beats.append("F7")
    def place(pc, near, avoid=None):
        """The pitch of class pc within the bass's range (E1-D3) nearest to `near`."""
        options = [pc % 12 + 12 * o for o in range(2, 5) if 28 <= pc % 12 + 12 * o <= 50]
        options = [o for o in options if o != avoid] or options
        return min(options, key=lambda o: (abs(o - near), o))

    bass_line, prev = [], 41
    for i in range(48):
        root, q = parse(beats[i])
        first = i == 0 or beats[i - 1] != beats[i]
        if first:
            note = place(root, prev)
        elif beats[i + 1] != beats[i]:  # chromatic approach into the next chord's root
            landing = place(parse(beats[i + 1])[0], prev)
            step = -1 if prev < landing else 1  # from the side the line comes from, mostly
            if rng.random() < 0.25:
                step = -step
            note = landing + step if 28 <= landing + step <= 50 else landing - step
        else:  # a chord tone or the ninth, moving by a small step from the last note
            pcs_here = [root + x for x in tones[q][1:]] + [root + 2]
            candidates = [place(pc, prev, avoid=prev) for pc in pcs_here]
            near = sorted(candidates, key=lambda o: abs(o - prev))[:2]
            note = near[int(rng.integers(len(near)))]
        bass_line.append(note)
        prev = note
    for i, note in enumerate(bass_line):
        mix.add(upright_bass(hz(note), beat * 0.92, rng), i * beat + humanize(rng, 3), 0.75, 0.1, 0.08)
    mix.add(upright_bass(hz(place(5, prev)), 2.4, rng), 12 * bar, 0.75, 0.1, 0.1)

    # Piano comping: Charleston and its cousins, voice-led rootless voicings.
    previous = [57, 62, 64, 69]
    rhythms = [[(0, 0.8), (1 + S, 0.6)], [(S, 0.4), (2, 0.9)], [(1 + S, 0.5), (3, 0.6)], [(0, 0.6), (2 + S, 0.8)]]
    for b, chords in enumerate(form):
        hits = [(0, 0.9, 0), (2, 0.9, 1)] if len(chords) == 2 else [(t, l, 0) for t, l in rhythms[int(rng.integers(4))]]
        for start, length, which in hits:
            root, q = parse(chords[which])
            candidates = []
            for shape in rootless[q]:
                base = [root + x for x in shape]
                for octave in range(3, 6):
                    v = [n + 12 * octave for n in base]
                    if 52 <= v[0] <= 64:
                        candidates.append(v)
            voicing = min(candidates, key=lambda v: sum(abs(a - p) for a, p in zip(v, previous)))
            previous = voicing
            for note in voicing:
                mix.add(piano(hz(note), length * beat, 0.55, rng), b * bar + start * beat + humanize(rng, 5), 0.21, -0.35, 0.2)
    for note in (57, 62, 67, 72):  # F6/9 to finish
        mix.add(piano(hz(note), 2.2, 0.6, rng), 12 * bar, 0.17, -0.35, 0.25)

    # Vibes: a riff answered by the piano, moved up a fourth, then a turnaround line.
    riff = {
        0: [("F4", 0, S), ("Ab4", S, 1 - S), ("A4", 1, 1), ("C5", 2, S), ("D5", 2 + S, 1 - S), ("F5", 3, 1)],
        1: [("D5", 0, S), ("C5", S, 1 - S), ("Ab4", 1, 2)],
        4: [("Bb4", 0, S), ("Db5", S, 1 - S), ("D5", 1, 1), ("F5", 2, S), ("G5", 2 + S, 1 - S), ("Bb5", 3, 1)],
        5: [("Ab5", 0, S), ("F5", S, 1 - S), ("D5", 1, 1), ("B4", 2, 1.5)],
        8: [("G4", 0, S), ("Bb4", S, 1 - S), ("D5", 1, 1), ("F5", 2, S), ("E5", 2 + S, 1 - S)],
        9: [("G5", 0, 1), ("E5", 1, S), ("C5", 1 + S, 1 - S), ("Bb4", 2, 1.5)],
        10: [("A4", 0, 1.5)],
        12: [("A4", 0, 3), ("F5", 0, 3)],
    }
    for b, notes in riff.items():
        for note, start, length in notes:
            mix.add(vibraphone(hz(note), length * beat * 0.95, 0.9), b * bar + start * beat + humanize(rng, 4), 0.3, 0.3, 0.3)

    rides = [ride(rng) for _ in range(3)]
    chick, brushes = hat(rng, 0.025, tone=5000), [brush(rng) for _ in range(3)]
    soft_kick = kick(rng, lo=60, hi=110, decay=0.12, click=0.05)
    drums = Mix(mix.seconds)
    for b in range(12):
        for start, vel in ((0, 0.8), (1, 1.0), (1 + S, 0.55), (2, 0.8), (3, 1.0), (3 + S, 0.55)):
            drums.add(rides[int(rng.integers(3))], b * bar + start * beat + humanize(rng, 3), 0.22 * vel, 0.35, 0.12)
        for start in (1, 3):
            drums.add(chick, b * bar + start * beat, 0.16, -0.2, 0.05)
        for start in range(4):
            drums.add(soft_kick, b * bar + start * beat, 0.12)
        for _ in range(int(rng.integers(1, 3))):
            start = int(rng.integers(4)) + S
            drums.add(brushes[int(rng.integers(3))], b * bar + start * beat, 0.22 * rng.uniform(0.6, 1), 0.0, 0.15)
    drums.add(cymbal(rng, 1.6, pitch=1.3, cutoff=3500), 12 * bar, 0.3, 0.35, 0.2)
    drums.add(soft_kick, 12 * bar, 0.5)
    mix.absorb(drums)
    return mix, 1.1, -17.0, 1.5


def song_country(rng):
    """G major, 120 bpm: boom-chick guitar and bass with walk-ups, brushed train beat, sliding fiddle."""
    bpm = 120
    beat = 60 / bpm
    bar = 4 * beat
    mix = Mix(8 * bar + 2.8)
    shapes = {"G": [43, 47, 50, 55, 59, 67], "C": [48, 52, 55, 60, 64], "D": [50, 57, 62, 66]}
    bass_notes = {"G": (31, 38), "C": (36, 31), "D": (38, 33)}
    progression = ["G", "G", "C", "G", "D", "C", "GD", "G"]
    walks = {1: [31, None, 33, 35], 3: [31, None, 35, 37]}  # G, A, B into C; G, B, C# into D
    guitar = Mix(mix.seconds)
    for b, name in enumerate(progression):
        for i in range(4):
            chord = name[0] if i < 2 else name[-1]
            shape = shapes[chord]
            t = b * bar + i * beat + humanize(rng, 3)
            if i % 2 == 0:
                guitar.add(pluck(hz(shape[0] if i == 0 else shape[1]), beat * 0.9, rng, 0.7, 1.2), t, 0.45, -0.4, 0.1)
            else:
                for j, note in enumerate(shape[1:]):
                    guitar.add(pluck(hz(note), beat * 0.85, rng, 0.85, 1.0), t + j * 0.012, 0.3, -0.4, 0.12)
            for j, note in enumerate(reversed(shape[-3:])):  # soft up-strum on the "and"
                guitar.add(pluck(hz(note), beat * 0.4, rng, 0.9, 0.6), t + beat / 2 + j * 0.01, 0.13, -0.4, 0.1)
            if b in walks:
                note = walks[b][i]
            elif i % 2 == 0:
                note = bass_notes[chord][i // 2]
            else:
                note = None
            if note is not None:
                mix.add(upright_bass(hz(note), beat * (0.9 if b in walks else 1.4), rng), b * bar + i * beat, 1.1, 0.05, 0.05)
    end = 8 * bar
    for j, note in enumerate(shapes["G"]):
        guitar.add(pluck(hz(note), 2.6, rng, 0.85, 2.2), end + j * 0.02, 0.32, -0.4, 0.2)
    mix.add(upright_bass(hz(31), 2.2, rng), end, 1.1, 0.05, 0.05)
    mix.absorb(guitar, 1.25, lambda x: filt(x, biquad("hp", 90), biquad("peak", 3500, 1.0, 2)))

    tune = {
        0: [("B4", 3, 0.5, 0), ("C5", 3.5, 0.5, 0)],
        1: [("D5", 0, 1, -1), ("B4", 1, 0.5, 0), ("D5", 1.5, 0.5, 0), ("E5", 2, 1, 0), ("D5", 3, 1, 0)],
        2: [("E5", 0, 1.5, -1), ("G5", 1.5, 0.5, 0), ("E5", 2, 1, 0), ("C5", 3, 1, 0)],
        3: [("D5", 0, 1, -1), ("B4", 1, 1, 0), ("G4", 2, 1.5, 0), ("A4", 3.5, 0.5, 0)],
        4: [("A4", 0, 1, -1), ("B4", 1, 0.5, 0), ("A4", 1.5, 0.5, 0), ("F#4", 2, 1, 0), ("D4", 3, 1, 0)],
        5: [("E4", 0, 0.5, 0), ("G4", 0.5, 0.5, 0), ("C5", 1, 1, -1), ("E5", 2, 1, 0), ("D5", 3, 0.5, 0), ("C5", 3.5, 0.5, 0)],
        6: [("B4", 0, 1, 0), ("G4", 1, 1, 0), ("A4", 2, 1, -1), ("B4", 3, 1, 0)],
        7: [("G4", 0, 3.5, -2)],
        8: [("G4", 0, 3, 0), ("D5", 0, 3, -1)],
    }
    for b, notes in tune.items():
        for note, start, length, slide in notes:
            mix.add(fiddle(hz(note), length * beat, rng, 1.0, slide), b * bar + start * beat, 0.2, 0.35, 0.3)

    k, brushes = kick(rng, lo=62, hi=130, decay=0.12, click=0.12), [brush(rng, 0.05) for _ in range(4)]
    drums = Mix(mix.seconds)
    for b in range(1, 8):
        for i in range(16):
            t = b * bar + i * beat / 4 + humanize(rng, 2)
            vel = 0.55 if i in (4, 12) else (0.28 if i % 2 == 0 else 0.14)
            drums.add(brushes[i % 4], t, vel, 0.1, 0.12)
            if i in (0, 8):
                drums.add(k, t, 0.35)
    drums.add(k, end, 0.35)
    drums.add(cymbal(rng, 1.2, pitch=1.2), end, 0.25, 0.4, 0.2)
    mix.absorb(drums)
    return mix, 1.3, -15.5, 1.6


def song_classical(rng):
    """A minor chorale for string quartet, 84 bpm, each voice bowed with its own vibrato."""
    bpm = 84
    beat = 60 / bpm
    # Half-bar by half-bar: cello, viola, second violin, and the first violin's line (note, beats).
    halves = [
        ("A2", "E3", "C4", [("E5", 1), ("D5", 0.5), ("C5", 0.5)]),
        ("F2", "A3", "D4", [("D5", 1), ("F5", 1)]),
        ("G#2", "B3", "E4", [("E5", 1.5), ("D5", 0.5)]),
        ("A2", "C4", "E4", [("C5", 2)]),
        ("F2", "C4", "F4", [("A5", 1), ("G5", 0.5), ("F5", 0.5)]),
        ("E2", "C4", "G4", [("E5", 1), ("G5", 1)]),
        ("D2", "C4", "F4", [("F5", 1), ("E5", 0.5), ("D5", 0.5)]),
        ("G2", "B3", "F4", [("D5", 1), ("B4", 1)]),
        ("C3", "C4", "E4", [("C5", 1), ("E5", 1)]),
        ("A2", "C4", "E4", [("A5", 1.5), ("G5", 0.5)]),
        ("F2", "A3", "D4", [("F5", 1), ("E5", 0.5), ("D5", 0.5)]),
        ("E2", "G#3", "D4", [("E5", 1), ("B4", 1)]),
        ("F2", "A3", "D4", [("F5", 1), ("D5", 1)]),
        ("E2", "A3", "D4", [("E5", 1), ("B4", 1)]),
    ]
    dynamics = [0.7, 0.72, 0.75, 0.78, 0.9, 0.95, 1.0, 1.0, 0.95, 0.92, 0.85, 0.8, 0.75, 0.72]
    mix = Mix(len(halves) * 2 * beat + 3 * beat + 2.6)
    voices = {"cello": (0.42, 3.5, 2200), "viola": (0.22, 5.0, 2400), "violin2": (-0.18, 5.5, 2800), "violin1": (-0.45, 6.0, 3000)}

    def play(voice, note, start, length, vel, attack=0.15):
        pan, bright, body = voices[voice]
        x = strings(hz(note), length * beat + 0.03, rng, vel, attack=attack, bright=bright, body=body)
        mix.add(x, start * beat, 0.3 if voice == "violin1" else 0.22, pan, 0.5)

    held = {"cello": None, "viola": None, "violin2": None}  # tie repeated notes across half-bars
    for h, (cello, viola, violin2, line) in enumerate(halves):
        vel = dynamics[h]
        for voice, note in (("cello", cello), ("viola", viola), ("violin2", violin2)):
            nxt = halves[h + 1][("cello", "viola", "violin2").index(voice)] if h + 1 < len(halves) else None
            if held[voice] is None:
                held[voice] = (note, h)
            if nxt != note:
                start_note, start_h = held[voice]
                length = (h - start_h + 1) * 2
                if voice == "viola" and h == len(halves) - 1:
                    length -= 1  # leaves room for the suspension below
                play(voice, start_note, start_h * 2, length, vel)
                held[voice] = None
        t = h * 2
        for note, length in line:
            play("violin1", note, t, length, vel * 1.05, 0.08 if length < 1 else 0.14)
            t += length
    # The tenor voice's suspension, A3 → G#3, in the last half-bar, then the final A minor chord.
    last = len(halves) * 2
    play("viola", "G#3", last - 1, 1, 0.72)
    for voice, note in (("cello", "A2"), ("viola", "A3"), ("violin2", "E4"), ("violin1", "C5")):
        play(voice, note, last, 3.2, 0.7, 0.2)
    return mix, 2.4, -18.0, 2.0


def song_ambient(rng):
    """D major pads (Dmaj9, Gmaj7#11, Bm11, Dadd9/A) over a drone, pentatonic bells with echoes, wind."""
    mix = Mix(23.0)
    chords = [[50, 57, 61, 64, 66], [43, 50, 54, 59, 61], [47, 54, 57, 62, 64], [45, 50, 57, 64, 66]]
    for i, chord in enumerate(chords):
        gate = 5.6 if i < 3 else 5.2
        for j, note in enumerate(chord):
            mix.add(pad(hz(note), gate, rng, cutoff=1000 + 150 * j), i * 5.0, 0.16, -0.5 + 0.25 * j, 0.6)
    n = mix.n
    t = np.arange(n) / SR
    drone_env = np.clip(t / 2.5, 0, 1) * np.clip((mix.seconds - t) / 3.0, 0, 1)
    mix.add((sine(hz("D2"), n) + 0.4 * sine(hz("A2"), n, 0.3)) * drone_env, 0, 0.1, 0.0, 0.3)
    wind = bp(rng.uniform(-1, 1, n), 700, 0.8) * (0.5 + 0.5 * np.sin(TAU * 0.09 * t - 1.2)) * drone_env
    air = hp(rng.uniform(-1, 1, n), 5000) * (0.5 + 0.5 * np.sin(TAU * 0.13 * t)) * drone_env
    mix.add(np.stack((wind, np.roll(wind, 4410))), 0, 0.12, verb=0.5)
    mix.add(np.stack((np.roll(air, 2205), air)), 0, 0.02, verb=0.5)
    scale = [74, 76, 78, 81, 83, 86, 88, 90]
    at, previous = 1.2, 3
    while at < 19.5:
        step = int(rng.integers(-2, 3)) or 1
        previous = min(max(previous + step, 0), len(scale) - 1)
        x = bell(hz(scale[previous]), rng.uniform(0.6, 1.0))
        pan = rng.uniform(-0.6, 0.6)
        for echo in range(4):
            mix.add(x, at + echo * 0.42, 0.14 * 0.45 ** echo, pan if echo % 2 == 0 else -pan, 0.6)
        at += rng.choice([0.84, 1.26, 1.68, 2.1])
    return mix, 4.0, -18.0, 2.8


# MARK: - The catalogue

TRACKS = [
    dict(id="null-sinks-first-light", title="First Light", artist="The Null Sinks", album="Loopback Sessions",
         genre=1, genre_name="Rock", year=2024, song=song_rock, seed=101,
         cover=("bolt", (120, 14, 24), (18, 8, 14), (255, 170, 40))),
    dict(id="null-sinks-paper-satellites", title="Paper Satellites", artist="The Null Sinks", album="Loopback Sessions",
         genre=2, genre_name="Indie", year=2024, song=song_indie, seed=202,
         cover=("orbits", (28, 120, 126), (236, 222, 190), (250, 110, 80))),
    dict(id="juniper-static-creme-brulee-skyline", title="Crème Brûlée Skyline", artist="Juniper Static", album="Soft Reset",
         genre=3, genre_name="Pop", year=2023, song=song_pop, seed=303,
         cover=("dots", (255, 92, 160), (92, 48, 200), (255, 230, 120))),
    dict(id="mc-segfault-buffered-thoughts", title="Buffered Thoughts", artist="MC Segfault", album="Core Dump Tapes",
         genre=4, genre_name="Hiphop", year=2022, song=song_hiphop, seed=404,
         cover=("bars", (40, 16, 64), (10, 20, 48), (250, 200, 60))),
    dict(id="otis-lambda-trio-blue-checksum", title="Blue Checksum", artist="Otis Lambda Trio", album="After Hours at the Kernel",
         genre=5, genre_name="Jazz", year=2021, song=song_jazz, seed=505,
         cover=("bubbles", (16, 40, 110), (6, 10, 30), (240, 170, 70))),
    dict(id="parity-bits-gravel-road-gateway", title="Gravel Road Gateway", artist="Wren & the Parity Bits", album="Gravel & Gigabytes",
         genre=6, genre_name="Country", year=2024, song=song_country, seed=606,
         cover=("sunset", (250, 150, 60), (255, 225, 140), (110, 62, 30))),
    dict(id="kernel-quartet-etude-for-a-quiet-compiler", title="Étude for a Quiet Compiler", artist="Kernel String Quartet",
         album="Études & Interludes", genre=7, genre_name="Classical", year=2020, song=song_classical, seed=707,
         cover=("arches", (244, 236, 214), (214, 196, 160), (120, 30, 50))),
    dict(id="daemon-drift-yoake-no-shingo", title="夜明けの信号", artist="Daemon Drift", album="Low Orbit",
         genre=8, genre_name="Other", year=2025, song=song_ambient, seed=808,
         cover=("dawn", (30, 24, 80), (250, 180, 150), (255, 240, 200))),
]


# MARK: - Covers


def make_cover(path, track):
    style, c1, c2, accent = track["cover"]
    rng = np.random.default_rng(track["seed"] + 1)
    S = 600  # drawn at twice the size, then scaled down for smooth edges
    yy, xx = np.mgrid[0:S, 0:S] / (S - 1)
    g = {"bolt": (xx + yy) / 2, "dawn": yy, "sunset": yy * 1.6, "arches": yy}.get(style, (xx * 0.4 + yy * 0.6))
    if style in ("bubbles", "bars"):
        g = np.hypot(xx - 0.3, yy - 0.25) / 1.1
    g = np.clip(g, 0, 1)[..., None]
    img = Image.fromarray((np.array(c1) * (1 - g) + np.array(c2) * g).astype(np.uint8), "RGB")
    d = ImageDraw.Draw(img, "RGBA")
    ac = tuple(accent)

    if style == "bolt":
        for i in range(-6, 14):
            x0 = i * 60
            d.polygon([(x0, 0), (x0 + 18, 0), (x0 - 582, S), (x0 - 600, S)], fill=ac + (28,))
        d.ellipse((150, 110, 450, 410), outline=ac + (200,), width=10)
        d.polygon([(330, 60), (210, 320), (300, 320), (250, 540), (410, 250), (315, 250), (390, 60)], fill=ac + (255,))
    elif style == "orbits":
        for i, r in enumerate((90, 150, 210, 270)):
            d.ellipse((300 - r, 300 - r * 0.55, 300 + r, 300 + r * 0.55), outline=(20, 60, 70, 170), width=4)
            a = rng.uniform(0, TAU)
            x, y = 300 + r * math.cos(a), 300 + r * 0.55 * math.sin(a)
            d.rectangle((x - 14, y - 10, x + 14, y + 10), fill=ac + (255,))
            d.line((x - 28, y, x + 28, y), fill=(20, 60, 70, 255), width=4)
        d.ellipse((260, 260, 340, 340), fill=(250, 244, 226, 255), outline=(20, 60, 70, 255), width=4)
    elif style == "dots":
        d.ellipse((330, 60, 560, 290), fill=ac + (235,))
        for gy in range(0, S + 1, 30):
            for gx in range(0, S + 1, 30):
                r = 11 * (1 - gx / S) * (gy / S) + 1.5
                d.ellipse((gx - r, gy - r, gx + r, gy + r), fill=(255, 255, 255, 150))
    elif style == "bars":
        d.ellipse((330, 50, 560, 280), fill=(12, 12, 16, 255))
        for r in range(30, 115, 12):
            d.ellipse((445 - r, 165 - r, 445 + r, 165 + r), outline=(60, 60, 70, 255), width=2)
        d.ellipse((420, 140, 470, 190), fill=ac + (255,))
        heights = rng.uniform(0.15, 0.75, 14)
        for i, h in enumerate(heights):
            x = 40 + i * 38
            top = S - 70 - h * 330
            colour = ac if i % 3 else (60, 200, 200)
            d.rectangle((x, top, x + 26, S - 70), fill=colour + (235,))
    elif style == "bubbles":
        for _ in range(14):
            x, y, r = rng.uniform(0, S), rng.uniform(0, S * 0.8), rng.uniform(30, 130)
            colour = ac if rng.random() < 0.35 else (90, 140, 230)
            d.ellipse((x - r, y - r, x + r, y + r), fill=colour + (60,), outline=colour + (160,), width=3)
        for i in range(15):
            d.rectangle((i * 40 + 2, 500, i * 40 + 38, S), fill=(235, 235, 240, 255))
            if i % 7 not in (2, 6):
                d.rectangle((i * 40 + 28, 500, i * 40 + 52, 560), fill=(10, 10, 16, 255))
    elif style == "sunset":
        d.ellipse((200, 130, 400, 330), fill=(255, 244, 200, 255))
        d.polygon([(0, 330), (150, 270), (320, 320), (470, 260), (S, 310), (S, S), (0, S)], fill=ac + (255,))
        d.polygon([(280, 330), (320, 330), (470, S), (130, S)], fill=(70, 60, 56, 255))
        d.line((300, 360, 300, 380), fill=(250, 220, 120, 255), width=5)
        d.line((300, 420, 300, 460), fill=(250, 220, 120, 255), width=7)
        d.line((300, 510, 300, 580), fill=(250, 220, 120, 255), width=9)
        for x in range(20, 240, 45):
            d.line((x, 390 + x // 8, x, 450 + x // 8), fill=(60, 36, 20, 255), width=6)
        d.line((20, 405, 240, 432), fill=(60, 36, 20, 255), width=4)
    elif style == "arches":
        for i in range(4):
            x = 60 + i * 130
            d.rectangle((x, 260, x + 90, 500), fill=ac + (40,), outline=ac + (190,), width=4)
            d.pieslice((x, 215, x + 90, 305), 180, 360, fill=ac + (40,), outline=ac + (190,), width=4)
        for j in range(5):
            d.line((40, 80 + j * 18, 560, 80 + j * 18), fill=ac + (160,), width=3)
        d.ellipse((250, 94, 290, 130), fill=ac + (220,))
        d.line((288, 112, 288, 40), fill=ac + (220,), width=4)
    elif style == "dawn":
        glow = Image.new("RGBA", (S, S), (0, 0, 0, 0))
        gd = ImageDraw.Draw(glow)
        gd.ellipse((180, 300, 420, 540), fill=ac + (220,))
        img.paste(glow.filter(ImageFilter.GaussianBlur(40)), (0, 0), glow.filter(ImageFilter.GaussianBlur(40)))
        d = ImageDraw.Draw(img, "RGBA")
        for j in range(9):
            y = 440 + j * 16
            pts = [(x, y + 6 * math.sin(x / 37 + j)) for x in range(0, S + 10, 10)]
            d.line(pts, fill=(255, 250, 240, 90 + 15 * j), width=2)
        for _ in range(40):
            x, y = rng.uniform(0, S), rng.uniform(0, 260)
            d.ellipse((x - 2, y - 2, x + 2, y + 2), fill=(255, 255, 255, int(rng.uniform(80, 220))))

    try:
        font = ImageFont.load_default(size=30)
    except TypeError:  # Pillow before 10.1 has only the small bitmap font
        font = ImageFont.load_default()
    label = track["artist"].upper()
    d.rectangle((0, S - 56, S, S), fill=(0, 0, 0, 120))
    d.text((24, S - 46), label, font=font, fill=(255, 255, 255, 235))
    img = img.resize((300, 300), Image.LANCZOS)
    for quality in (88, 80, 72, 64, 56):
        img.save(path, "JPEG", quality=quality, optimize=True)
        if path.stat().st_size < 30_000:
            break


# MARK: - MP3 encoding and ID3 checks


def read_id3(path):
    """The text frames of an ID3v2.3/2.4 tag at the start of path, as {frame id: text}."""
    data = path.read_bytes()
    if data[:3] != b"ID3":
        return {}
    major, flags = data[3], data[5]
    size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    frames, i = {}, 10
    while i + 10 <= 10 + size and data[i : i + 4].strip(b"\0"):
        fid = data[i : i + 4].decode("latin-1")
        raw = data[i + 4 : i + 8]
        fsize = int.from_bytes(raw, "big") if major == 3 else (raw[0] << 21) | (raw[1] << 14) | (raw[2] << 7) | raw[3]
        body = data[i + 10 : i + 10 + fsize]
        if fid.startswith("T") and body:
            enc, text = body[0], body[1:]
            codec = {0: "latin-1", 1: "utf-16", 2: "utf-16-be", 3: "utf-8"}[enc]
            frames[fid] = text.decode(codec).rstrip("\0")
        i += 10 + fsize
    return frames


def replace_genre_frame(path, genre):
    """lame maps --tg names onto the ID3v1 list ("Hiphop" becomes "Hip-Hop"); write the seeded name itself."""
    data = path.read_bytes()
    assert data[:3] == b"ID3" and data[3] == 3 and data[5] == 0, "unexpected ID3 tag from lame"
    size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    out, i = bytearray(), 10
    while i + 10 <= 10 + size and data[i : i + 4].strip(b"\0"):
        fsize = int.from_bytes(data[i + 4 : i + 8], "big")
        frame = data[i : i + 10 + fsize]
        if frame[:4] == b"TCON":
            body = b"\0" + genre.encode("latin-1")
            frame = b"TCON" + len(body).to_bytes(4, "big") + b"\0\0" + body
        out += frame
        i += 10 + fsize
    n = len(out)
    header = b"ID3\x03\x00\x00" + bytes(((n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F))
    path.write_bytes(header + bytes(out) + data[10 + size :])


def encode_mp3(wav, mp3, track):
    cmd = ["lame", "--quiet", "--nohist", "-b", "128", "--cbr", "-q", "2", "--id3v2-only", "--id3v2-utf16",
           "--tt", track["title"], "--ta", track["artist"], "--tl", track["album"], "--ty", str(track["year"]),
           "--tg", track["genre_name"], "--tc", "Synthesized by TermPlayer's scripts/make-demo.py",
           str(wav), str(mp3)]
    env = dict(os.environ, LC_ALL="C.UTF-8")  # lame reads its arguments in the locale's encoding
    subprocess.run(cmd, check=True, env=env)
    tags = read_id3(mp3)
    if tags.get("TCON") != track["genre_name"]:
        replace_genre_frame(mp3, track["genre_name"])
        tags = read_id3(mp3)
    expected = {"TIT2": track["title"], "TPE1": track["artist"], "TALB": track["album"],
                "TYER": str(track["year"]), "TCON": track["genre_name"]}
    wrong = {k: (tags.get(k), v) for k, v in expected.items() if tags.get(k) != v}
    if wrong:
        sys.exit(f"make-demo.py: the ID3 tags of {mp3.name} came out wrong (found, wanted): {wrong}")


def write_wav(path, stereo):
    pcm = np.clip(np.round(stereo.T * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm.tobytes())


# MARK: - Main


def check_tools():
    missing = []
    if np is None:
        missing.append("numpy, for the synthesis (apt-get install python3-numpy, or pip install numpy)")
    if Image is None:
        missing.append("Pillow, for the JPEG covers (apt-get install python3-pil, or pip install pillow)")
    elif not pil_features.check("jpg"):
        missing.append("JPEG support in Pillow (reinstall Pillow with libjpeg)")
    if shutil.which("lame") is None:
        missing.append("lame, the MP3 encoder (apt-get install lame)")
    if missing:
        sys.exit("make-demo.py: missing " + "; ".join(missing))


def readme(rows):
    lines = [
        "# Demo library",
        "",
        "`termplayer serve --demo` loads these songs into an empty library. TermPlayer finds this folder",
        "by this README, so keep it here. Each song is a bundle: `<id>.mp3` (128 kbps, ID3v2 tags),",
        "`<id>.jpg` (300×300 cover) and `<id>.json` (title, album, artist, seeded genre id, year).",
        "",
        "| id | title | artist | album | genre | length |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for track, seconds in rows:
        m, s = divmod(int(round(seconds)), 60)
        lines.append(f"| `{track['id']}` | {track['title']} | {track['artist']} | {track['album']} "
                     f"| {track['genre']} {track['genre_name']} | {m}:{s:02d} |")
    lines += [
        "",
        "The audio and covers were synthesized from code by `scripts/make-demo.py` (re-run it with",
        "`python3 scripts/make-demo.py`; it needs numpy, Pillow and `lame`), and the titles, artists and",
        "albums are invented: no samples, recordings or other third-party material. Fixed seeds make a",
        "re-run reproduce the same songs.",
        "",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description="Synthesize the demo library (demo/).")
    parser.add_argument("--out", type=Path, default=REPO / "demo", help="where to write the bundles (default: demo/)")
    args = parser.parse_args()
    check_tools()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    wanted = {t["id"] for t in TRACKS}
    for stale in sorted(out.iterdir()):
        if stale.suffix in (".mp3", ".jpg", ".png", ".json") and stale.stem not in wanted:
            print(f"removing stale {stale.name}")
            stale.unlink()
    rows = []
    with tempfile.TemporaryDirectory(prefix="make-demo-") as tmp:
        for track in TRACKS:
            rng = np.random.default_rng(track["seed"])
            mix, rt60, target, fade_out = track["song"](rng)
            audio, reduction = master(mix, rng, rt60, target, fade_out)
            seconds = audio.shape[1] / SR
            wav = Path(tmp) / f"{track['id']}.wav"
            write_wav(wav, audio)
            mp3 = out / f"{track['id']}.mp3"
            encode_mp3(wav, mp3, track)
            make_cover(out / f"{track['id']}.jpg", track)
            meta = {"title": track["title"], "album": track["album"], "artist": track["artist"],
                    "genre": track["genre"], "year": track["year"]}
            (out / f"{track['id']}.json").write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            peak = 20 * math.log10(np.max(np.abs(audio)))
            print(f"{track['id']}: {seconds:.1f} s, {loudness(audio):.1f} LUFS, peak {peak:.1f} dBFS, limiter {reduction:.1f} dB, "
                  f"mp3 {mp3.stat().st_size // 1024} KB, cover {(out / (track['id'] + '.jpg')).stat().st_size // 1024} KB")
            rows.append((track, seconds))
    (out / "README.md").write_text(readme(rows), encoding="utf-8")
    print(f"wrote {len(rows)} bundles and README.md to {out}")


if __name__ == "__main__":
    main()
