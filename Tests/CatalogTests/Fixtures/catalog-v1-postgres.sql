-- A PostgreSQL catalog made by TermPlayer before the schema was written once (commit 883b3fe, with
-- the eight demo songs): pg_dump --inserts, with psql's own commands and session settings left out.
CREATE TABLE public.catalog_migrations (
    version bigint NOT NULL,
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE public.genres (
    genreid bigint NOT NULL,
    genre text NOT NULL,
    genre_key text NOT NULL
);
CREATE TABLE public.problems (
    subject text NOT NULL COLLATE pg_catalog."C",
    state text NOT NULL,
    reason text NOT NULL,
    since double precision NOT NULL
);
CREATE TABLE public.songs (
    id text NOT NULL COLLATE pg_catalog."C",
    sort_title text NOT NULL COLLATE pg_catalog."C",
    title text NOT NULL,
    album text NOT NULL,
    artist text NOT NULL,
    genreid bigint NOT NULL,
    year bigint,
    audio_key text NOT NULL,
    cover_key text,
    duration double precision NOT NULL,
    size bigint NOT NULL,
    bitrate bigint NOT NULL,
    sample_rate bigint NOT NULL,
    channels bigint NOT NULL,
    metadata_etag text NOT NULL,
    audio_etag text NOT NULL,
    cover_etag text,
    artist_key text NOT NULL COLLATE pg_catalog."C",
    album_key text NOT NULL COLLATE pg_catalog."C",
    search_text text NOT NULL,
    created_at double precision NOT NULL,
    updated_at double precision NOT NULL
);
INSERT INTO public.catalog_migrations VALUES (1, 'genres, songs, problems', '2026-12-01 21:22:17.452302+00');
INSERT INTO public.genres VALUES (1, 'Rock', 'rock');
INSERT INTO public.genres VALUES (2, 'Indie', 'indie');
INSERT INTO public.genres VALUES (3, 'Pop', 'pop');
INSERT INTO public.genres VALUES (4, 'Hiphop', 'hiphop');
INSERT INTO public.genres VALUES (5, 'Jazz', 'jazz');
INSERT INTO public.genres VALUES (6, 'Country', 'country');
INSERT INTO public.genres VALUES (7, 'Classical', 'classical');
INSERT INTO public.genres VALUES (8, 'Other', 'other');
INSERT INTO public.songs VALUES ('daemon-drift-yoake-no-shingo', '夜明けの信号', '夜明けの信号', 'Low Orbit', 'Daemon Drift', 8, 2025, 'daemon-drift-yoake-no-shingo.mp3', 'daemon-drift-yoake-no-shingo.jpg', 23, 369384, 128, 44100, 2, '60-18ed3e20eadc9a69-f7e5d5', '5a2e8-18ed3e20eb19a369-f7eaf7', '294c-18ed3e20eb19a369-f7e9ca', 'daemon drift', 'low orbit', '夜明けの信号
daemon drift
low orbit', 1796160137.5128903, 1796160137.5128903);
INSERT INTO public.songs VALUES ('juniper-static-creme-brulee-skyline', 'creme brulee skyline', 'Crème Brûlée Skyline', 'Soft Reset', 'Juniper Static', 3, 2023, 'juniper-static-creme-brulee-skyline.mp3', 'juniper-static-creme-brulee-skyline.jpg', 18.6, 299198, 128, 44100, 2, '68-18ed3e20ec0dc76a-f7eaf8', '490be-18ed3e20ec4ad06a-f7eafa', '68e6-18ed3e20ec4ad06a-f7eaf9', 'juniper static', 'soft reset', 'creme brulee skyline
juniper static
soft reset', 1796160137.5264502, 1796160137.5264502);
INSERT INTO public.songs VALUES ('kernel-quartet-etude-for-a-quiet-compiler', 'etude for a quiet compiler', 'Étude for a Quiet Compiler', 'Études & Interludes', 'Kernel String Quartet', 7, 2020, 'kernel-quartet-etude-for-a-quiet-compiler.mp3', 'kernel-quartet-etude-for-a-quiet-compiler.jpg', 24.742857142857144, 397469, 128, 44100, 2, '7d-18ed3e20ecc4e26a-f7eafb', '6109d-18ed3e20ed01eb6a-f7eafd', '2e48-18ed3e20ed01eb6a-f7eafc', 'kernel string quartet', 'etudes & interludes', 'etude for a quiet compiler
kernel string quartet
etudes & interludes', 1796160137.5385845, 1796160137.5385845);
INSERT INTO public.songs VALUES ('mc-segfault-buffered-thoughts', 'buffered thoughts', 'Buffered Thoughts', 'Core Dump Tapes', 'MC Segfault', 4, 2022, 'mc-segfault-buffered-thoughts.mp3', 'mc-segfault-buffered-thoughts.jpg', 23.469569160997732, 376940, 128, 44100, 2, '64-18ed3e20ed7bfd6b-f7eafe', '5c06c-18ed3e20edb9066b-f7eb00', '346c-18ed3e20edb9066b-f7eaff', 'mc segfault', 'core dump tapes', 'buffered thoughts
mc segfault
core dump tapes', 1796160137.5495396, 1796160137.5495396);
INSERT INTO public.songs VALUES ('null-sinks-first-light', 'first light', 'First Light', 'Loopback Sessions', 'The Null Sinks', 1, 2024, 'null-sinks-first-light.mp3', 'null-sinks-first-light.jpg', 20.042857142857144, 322183, 128, 44100, 2, '63-18ed3e20ee33186b-f7eb01', '4ea87-18ed3e20ee70216c-f7eb03', '41fc-18ed3e20ee33186b-f7eb02', 'the null sinks', 'loopback sessions', 'first light
the null sinks
loopback sessions', 1796160137.5642614, 1796160137.5642614);
INSERT INTO public.songs VALUES ('null-sinks-paper-satellites', 'paper satellites', 'Paper Satellites', 'Loopback Sessions', 'The Null Sinks', 2, 2024, 'null-sinks-paper-satellites.mp3', 'null-sinks-paper-satellites.jpg', 19.471179138321997, 312999, 128, 44100, 2, '68-18ed3e20ef273c6c-f7eb04', '4c6a7-18ed3e20ef64456c-f7eb06', '2fc5-18ed3e20ef273c6c-f7eb05', 'the null sinks', 'loopback sessions', 'paper satellites
the null sinks
loopback sessions', 1796160137.5767436, 1796160137.5767436);
INSERT INTO public.songs VALUES ('otis-lambda-trio-blue-checksum', 'blue checksum', 'Blue Checksum', 'After Hours at the Kernel', 'Otis Lambda Trio', 5, 2021, 'otis-lambda-trio-blue-checksum.mp3', 'otis-lambda-trio-blue-checksum.jpg', 23.4, 375706, 128, 44100, 2, '6f-18ed3e20efde576d-f7eb07', '5bb9a-18ed3e20f01b606d-f7eb09', '46b9-18ed3e20efde576d-f7eb08', 'otis lambda trio', 'after hours at the kernel', 'blue checksum
otis lambda trio
after hours at the kernel', 1796160137.590849, 1796160137.590849);
INSERT INTO public.songs VALUES ('parity-bits-gravel-road-gateway', 'gravel road gateway', 'Gravel Road Gateway', 'Gravel & Gigabytes', 'Wren & the Parity Bits', 6, 2024, 'parity-bits-gravel-road-gateway.mp3', 'parity-bits-gravel-road-gateway.jpg', 18.8, 302158, 128, 44100, 2, '74-18ed3e20f095726d-f7eb0a', '49c4e-18ed3e20f10f846e-f7eb0c', '208e-18ed3e20f10f846e-f7eb0b', 'wren & the parity bits', 'gravel & gigabytes', 'gravel road gateway
wren & the parity bits
gravel & gigabytes', 1796160137.6095145, 1796160137.6095145);
ALTER TABLE ONLY public.catalog_migrations
    ADD CONSTRAINT catalog_migrations_pkey PRIMARY KEY (version);
ALTER TABLE ONLY public.genres
    ADD CONSTRAINT genres_genre_key_key UNIQUE (genre_key);
ALTER TABLE ONLY public.genres
    ADD CONSTRAINT genres_pkey PRIMARY KEY (genreid);
ALTER TABLE ONLY public.problems
    ADD CONSTRAINT problems_pkey PRIMARY KEY (subject);
ALTER TABLE ONLY public.songs
    ADD CONSTRAINT songs_pkey PRIMARY KEY (id);
CREATE INDEX songs_by_album ON public.songs USING btree (album_key, sort_title, id);
CREATE INDEX songs_by_artist ON public.songs USING btree (artist_key, sort_title, id);
CREATE INDEX songs_by_genre ON public.songs USING btree (genreid, sort_title, id);
CREATE UNIQUE INDEX songs_by_title ON public.songs USING btree (sort_title, id);
ALTER TABLE ONLY public.songs
    ADD CONSTRAINT songs_genreid_fkey FOREIGN KEY (genreid) REFERENCES public.genres(genreid);
