/* tunnel.h — herd-group --tunnel: the view of herd-run --forward. */
#ifndef HERD_GROUP_TUNNEL_H
#define HERD_GROUP_TUNNEL_H

int tunnel_view(void);

#endif
