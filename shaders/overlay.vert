#version 330 core
// Screen-space quads in pixels (origin top-left): HUD panels, bars, text textures.
layout(location = 0) in vec2 a_corner;   // unit quad corner, 0..1
layout(location = 1) in vec4 i_rect;     // x, y, width, height in pixels
layout(location = 2) in vec4 i_colour;
layout(location = 3) in vec4 i_uv;       // u0, v0, u1, v1

uniform vec2 u_screen;

out vec4 v_colour;
out vec2 v_uv;

void main() {
    vec2 px = i_rect.xy + a_corner * i_rect.zw;
    vec2 ndc = vec2(px.x / u_screen.x * 2.0 - 1.0, 1.0 - px.y / u_screen.y * 2.0);
    v_colour = i_colour;
    v_uv = mix(i_uv.xy, i_uv.zw, a_corner);
    gl_Position = vec4(ndc, 0.0, 1.0);
}
