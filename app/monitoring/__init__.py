"""Operations: `/healthz` for the load balancer, `/metrics` for Prometheus, the request log (docs/deploy.md)."""
