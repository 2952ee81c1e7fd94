FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY victimcare ./victimcare
COPY cases ./cases
COPY messaging ./messaging
COPY contacts ./contacts
COPY portal ./portal
COPY referrals ./referrals
COPY surveys ./surveys
COPY reporting ./reporting
RUN pip install --no-cache-dir .
COPY . .
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
# var/letters is the print queue the worker writes letters to: a volume in docker-compose.yml, so letters
# survive a restart (or set VC_LETTER_BACKEND to GOV.UK Notify's letter API).
RUN useradd --system --uid 1000 victimcare && mkdir -p /app/var/letters && chown -R victimcare /app/var
USER victimcare
EXPOSE 8000
CMD ["gunicorn", "victimcare.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
